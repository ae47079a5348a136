#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run test suites and total them: unit (C, host), host (bats, host kernel),
# fuzz (short libFuzzer runs), vm (bats inside the lab VM, where modules,
# fentry and KVM exist; the labs' checkers in a second lab VM beside it).
# Prints each suite's summary and duration, the ten slowest tests (bats
# --timing), then one "total: N passed, N failed, N skipped" line, and exits
# non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
top=$PWD
results=$top/tests/.results
mkdir -p "$results"
ISOLENS=$top/tools/isolens/isolens
LAB_TIMEOUT=${ISOLENS_LAB_TIMEOUT:-2700}

total_pass=0 total_fail=0 total_skip=0
summaries=()

# count FILE NAME: tally TAP lines of one suite.
count() {
	local file=$1 name=$2 pass fail skip plan ran
	skip=$(grep -cE '^ok [0-9]+ .*# ?(skip|SKIP)' "$file")
	pass=$(( $(grep -cE '^ok [0-9]+' "$file") - skip ))
	fail=$(grep -cE '^not ok [0-9]+' "$file")
	# a suite that died early ran fewer tests than it planned
	plan=$(grep -oE '^1\.\.[0-9]+' "$file" | cut -c4- | paste -sd+ | bc 2>/dev/null)
	ran=$((pass + fail + skip))
	if [ -n "$plan" ] && [ "$ran" -lt "$plan" ]; then
		fail=$((fail + plan - ran))
		echo "# $name: $((plan - ran)) planned tests did not run" >&2
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	summaries+=("$(printf 'suite %-5s %4d passed, %d failed, %d skipped' "$name" "$pass" "$fail" "$skip")")
}

# suite_error NAME MESSAGE: the suite could not run at all.
suite_error() {
	echo "not ok 1 - $1 suite could not run: $2" >> "$results/$1.tap"
	echo "# $1: $2" >&2
}

run_unit() {
	local out=$results/unit.tap t
	: > "$out"
	echo "== unit tests"
	for t in tests/unit/test_*; do
		[ -x "$t" ] && [ "${t%.c}" = "$t" ] && [ "${t%.d}" = "$t" ] || continue
		echo "# $t"
		"$t" | tee -a "$out" | grep -v '^ok '
		[ "${PIPESTATUS[0]}" -le 1 ] || suite_error unit "$t crashed"
	done
	count "$out" unit
}

run_host() {
	local out=$results/host.tap
	: > "$out"
	echo "== host suite (bats, host kernel $(uname -r))"
	bats --tap --timing tests/host | tee "$out"
	count "$out" host
}

run_fuzz() {
	local out=$results/fuzz.tap secs=${ISOLENS_FUZZ_SECONDS:-10}
	echo "== fuzz (libFuzzer, ${secs} s per target)"
	if tests/fuzz/run.sh "$secs"; then
		echo "ok 1 - fuzz targets ran ${secs} s each without a crash" > "$out"
	else
		echo "not ok 1 - a fuzz target crashed (see tests/.results/fuzz)" > "$out"
	fi
	cat "$out"
	count "$out" fuzz
}

# The labs' checkers (tests/vm/labs.bats) and the module's load/unload
# rounds run in a second lab VM, of one vCPU, beside the first: one
# TCG-emulated test keeps one host core busy, and the lab VM's tests run
# one at a time.  That VM starts before the first suite, so that it
# overlaps them all; run_vm waits for it.  One vCPU also suits the rounds:
# with two, QEMU's multi-threaded TCG can run stale copies of the code each
# round live-patches (docs/troubleshooting.md), and a CI run once hung there.
side_pid=
trap '[ -z "$side_pid" ] || kill "$side_pid" 2>/dev/null' EXIT
start_vm_side() {
	: > "$results/vm-side.tap"
	"$ISOLENS" lab run -v --cpus 1 --timeout "$LAB_TIMEOUT" -- \
		env ISOLENS_ONE_VCPU_RUN=1 bats --tap --timing \
		-f '^(there are labs|every lab|load/unload rounds)' \
		tests/vm/labs.bats tests/vm/module.bats \
		> "$results/vm-side.tap" 2> "$results/vm-side.log" &
	side_pid=$!
}

run_vm() {
	local out=$results/vm.tap rc f files=()
	: > "$out"
	for f in tests/vm/*.bats; do
		[ "$f" = tests/vm/labs.bats ] || files+=("$f")
	done
	echo "== lab-VM suite (bats inside the lab VM)"
	"$ISOLENS" lab run -v --timeout "$LAB_TIMEOUT" -- \
		bats --tap --timing "${files[@]}" | tee "$out"
	rc=${PIPESTATUS[0]}
	# bats exits 1 when a test failed; anything else is the lab VM's own failure
	if [ "$rc" -gt 1 ]; then
		suite_error vm "isolens lab run exited $rc"
	fi
	count "$out" vm

	out=$results/vm-side.tap
	echo "== lab-VM suite, one vCPU: the labs and the module's load/unload rounds"
	[ -n "$side_pid" ] || start_vm_side
	wait "$side_pid"
	rc=$?
	side_pid=
	cat "$out"
	if [ "$rc" -gt 1 ]; then
		tail -n 20 "$results/vm-side.log"
		suite_error vm-side "isolens lab run exited $rc"
	fi
	count "$out" vm-side
}

# slowest N: the N slowest bats tests of this run, from --timing's "in Nms"
slowest() {
	local f
	for f in "$results"/host.tap "$results"/vm.tap "$results"/vm-side.tap; do
		[ -s "$f" ] || continue
		sed -nE "s/^(not )?ok [0-9]+ (.*) in ([0-9]+)ms( # .*)?\$/\3 $(basename "$f" .tap) \2/p" "$f"
	done | sort -rn | head -n "$1" |
		awk '{ ms = $1; $1 = ""; printf "%7.1f s%s\n", ms / 1000, $0 }'
}

durations=()
case " $* " in
*" vm "*) start_vm_side ;;
esac
for suite in "$@"; do
	start=$SECONDS
	case $suite in
	unit) run_unit ;;
	host) run_host ;;
	vm) run_vm ;;
	fuzz) run_fuzz ;;
	*) echo "unknown suite $suite" >&2; exit 2 ;;
	esac
	durations+=("$(printf '%s %d s' "$suite" $((SECONDS - start)))")
done

echo
printf '%s\n' "${summaries[@]}"
echo "time per suite: $(IFS=,; echo "${durations[*]}" | sed 's/,/, /g')"
if [ -n "$(slowest 1)" ]; then
	echo "ten slowest tests:"
	slowest 10
fi
if [ -n "${ISOLENS_CI_START:-}" ]; then
	echo "elapsed since CI start: $(( $(date +%s) - ISOLENS_CI_START )) s"
fi
echo "total: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
