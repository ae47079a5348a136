#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cost of tracing with isolens, against bpftrace counting on the same
# tracepoints (issue 5).  Prints numbers and ratios; asserts nothing.
#
#   tests/bench/trace.sh [-n REPS]          as root: syscall overhead, then
#                                           the event rate with 0 drops
#   tests/bench/trace.sh --kvm [-n REPS]    KVM-exit overhead only (where
#                                           /dev/kvm runs guests; meant for
#                                           the lab VM:
#       isolens lab run --timeout 600 -- tests/bench/trace.sh --kvm)
#
# 1. Overhead: tests/helpers/bench_syscalls repeats fork+exit+wait,
#    unshare(0), setns(-1, 0) (EBADF) and getppid() (no isolens tracepoint),
#    untraced, under "isolens trace --all" (every event a record, streamed
#    to userspace), under "isolens trace --all --count" (counted in the
#    kernel, like bpftrace's count()) and under a bpftrace script that
#    attaches to the very tracepoints isolens attached (read back from the
#    kernel, not hard-coded) and only counts: @[probe] = count().  Each
#    tracer is attached before the workload starts.  Per-operation time is
#    the median over REPS; overhead = traced - untraced.
# 2. Event rate: unshare(0) flat out (1 and 2 workers) under isolens trace
#    --all, text to /dev/null and --json to a tmpfs file (the JSON summary
#    shares stdout), for a few --buffer sizes; events received per second
#    of workload and the drops from the summary.  When a run drops, paced
#    rates are tried downwards to find the highest drop-free one.
# 3. --kvm: "isolens vm run --guest hostile" (about 15,000 port and MMIO
#    exits to userspace), untraced, under "isolens trace --all --events kvm"
#    (streaming, then --count) and under bpftrace on the same tracepoints;
#    per-exit time is the VMM's own run time divided by its exit count.
#
# Caveats printed with the numbers: the machine has 2 CPUs and other TCG
# VMs may be running, so the load average is shown with each section.
set -u
cd "$(dirname "$0")/../.."
TOP=$PWD
ISOLENS=${ISOLENS:-$TOP/tools/isolens/isolens}
HELPER=$TOP/tests/helpers/bench_syscalls
REPS=5
KVM=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) REPS=$2; shift 2 ;;
	--kvm) KVM=1; shift ;;
	*) echo "usage: $0 [--kvm] [-n REPS]" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "trace bench: needs root (BPF)" >&2; exit 1; }
[ -x "$ISOLENS" ] && [ -x "$HELPER" ] ||
	{ echo "trace bench: build first (make -C $TOP)" >&2; exit 1; }
if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs none /sys/kernel/tracing ||
		{ echo "trace bench: cannot mount tracefs" >&2; exit 1; }
fi
BPFTRACE=$(command -v bpftrace)
[ -n "$BPFTRACE" ] ||
	echo "(bpftrace not installed: apt-get install bpftrace; its column is skipped)"
command -v bpftool >/dev/null ||
	{ echo "trace bench: needs bpftool (to read what isolens attached)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/isolens-trace-bench.XXXXXX)
SHM=$(mktemp -d /dev/shm/isolens-trace-bench.XXXXXX)
TRACER=
cleanup() {
	[ -n "$TRACER" ] && kill -INT "$TRACER" 2>/dev/null && wait "$TRACER"
	rm -rf "$WORK" "$SHM"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

where() {
	if [ "$(hostname)" = isolens-lab ]; then echo "lab VM"; else echo host; fi
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

others() {
	local n
	n=$(pgrep -c '^qemu-system' 2>/dev/null)
	echo "${n:-0} qemu process(es) running (TCG VMs compete for the CPUs)"
}

median() {
	sort -g | awk '{ a[NR] = $1 } END {
		if (!NR) { print "nan"; exit }
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%.1f\n", m }'
}

# --- tracers ---------------------------------------------------------------

# isolens_start OUT ARGS...: start isolens trace in the background, stdout
# to OUT, stderr to $WORK/iso.err; return once it says it is tracing.
isolens_start() {
	local out=$1 i
	shift
	: > "$WORK/iso.err"
	"$ISOLENS" trace "$@" > "$out" 2> "$WORK/iso.err" &
	TRACER=$!
	for ((i = 0; i < 600; i++)); do
		grep -q 'note: tracing ' "$WORK/iso.err" && return 0
		kill -0 "$TRACER" 2>/dev/null || break
		sleep 0.05
	done
	echo "isolens trace did not start: $(tail -n 1 "$WORK/iso.err")" >&2
	TRACER=
	return 1
}

# isolens_stop [json OUT]: Ctrl-C it; leaves "EVENTS DROPS" in $WORK/iso.sum
isolens_stop() {
	kill -INT "$TRACER"
	wait "$TRACER"
	TRACER=
	if [ "${1:-}" = json ]; then
		tail -n 1 "$2" | sed -n \
			's/.*"summary":{"events":\([0-9]*\),.*"drops":\([0-9]*\),.*/\1 \2/p'
	else
		sed -n 's/^--- summary: \([0-9]*\) events.*, \([0-9]*\) dropped.*/\1 \2/p' \
			"$WORK/iso.err"
	fi > "$WORK/iso.sum"
	[ -s "$WORK/iso.sum" ] || echo "? ?" > "$WORK/iso.sum"
}

# probes_of PID: the bpftrace attach points of what PID has attached.
# Tracepoints and k(ret)probes come from bpftool perf list, raw tracepoint
# (tp_btf) links from fdinfo; bpftrace 0.17 has no raw tracepoint probe, so
# those become the tracepoint of the same name.
probes_of() {
	local pid=$1 name cat f
	{
		bpftool perf list | awk -v p="$pid" '$1 == "pid" && $2 == p {
			for (i = 1; i <= NF; i++) {
				if ($i == "tracepoint" || $i == "raw_tracepoint")
					{ print "tp", $(i + 1); break }
				if ($i == "kprobe" || $i == "kretprobe")
					{ print $i, $(i + 2); break }
			} }'
		for f in /proc/"$pid"/fdinfo/*; do
			grep -q '^link_type:.*raw_tracepoint' "$f" 2>/dev/null &&
				sed -n 's/^tp_name:[[:space:]]*/tp /p' "$f"
		done
	} | sort -u | while read -r kind name; do
		case $kind in
		tp)
			f=$(ls -d /sys/kernel/tracing/events/*/"$name" 2>/dev/null |
				head -n 1)
			[ -n "$f" ] || continue
			cat=$(basename "$(dirname "$f")")
			echo "tracepoint:$cat:$name" ;;
		*) echo "$kind:$name" ;;
		esac
	done
}

# fentry/fexit links of PID (bpftrace could use kfunc:, but the function
# name is not recoverable without a full BTF dump): counted, not copied.
tracing_links_of() {
	grep -l '^link_type:.*tracing' /proc/"$1"/fdinfo/* 2>/dev/null | wc -l
}

# bpftrace_script ISOLENS_ARGS...: write $WORK/count.bt with the probes
# isolens attaches for these arguments.
bpftrace_script() {
	isolens_start /dev/null "$@" || return 1
	probes_of "$TRACER" > "$WORK/probes"
	NFENTRY=$(tracing_links_of "$TRACER")
	isolens_stop
	NPROBES=$(wc -l < "$WORK/probes")
	{
		paste -sd, "$WORK/probes"
		echo '{ @[probe] = count(); }'
	} > "$WORK/count.bt"
}

bpftrace_start() {
	local i n
	"$BPFTRACE" "$WORK/count.bt" > "$WORK/bt.out" 2> "$WORK/bt.err" &
	TRACER=$!
	# "Attaching N probes..." comes before the attach: wait for the links
	for ((i = 0; i < 1200; i++)); do
		n=$(bpftool perf list 2>/dev/null |
			awk -v p="$TRACER" '$1 == "pid" && $2 == p' | wc -l)
		[ "$n" -ge "$NPROBES" ] && return 0
		kill -0 "$TRACER" 2>/dev/null || break
		sleep 0.05
	done
	echo "bpftrace did not attach: $(grep -v RLIMIT "$WORK/bt.err" | tail -n 1)" >&2
	kill -INT "$TRACER" 2>/dev/null
	wait "$TRACER" 2>/dev/null
	TRACER=
	return 1
}

# bpftrace_stop: leaves the total count in $WORK/bt.sum
bpftrace_stop() {
	kill -INT "$TRACER"
	wait "$TRACER"
	TRACER=
	awk -F': ' '/^@\[/ { n += $2 } END { print n + 0 }' "$WORK/bt.out" \
		> "$WORK/bt.sum"
}

# --- 1. syscall overhead ------------------------------------------------------

OPS="fork unshare setns getppid"
declare -A COUNT=([fork]=2000 [unshare]=200000 [setns]=200000 [getppid]=200000)

# run_ops MODE: one run of each operation, ns/op appended to $WORK/MODE.OP
run_ops() {
	local op r
	for op in $OPS; do
		r=$("$HELPER" "$op" "${COUNT[$op]}") || return 1
		echo "$r" | awk '{ print $4 }' >> "$WORK/$1.$op"
	done
}

# ratio A B: A / B to 2 places, or "-"
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "nan") printf "%.2f", a / b; else print "-" }'
}

# print_table UNIT TITLE: the medians of $WORK/{base,iso,cnt,bt}.OP for $OPS
print_table() {
	local unit=$1 op b i c t di dc dt
	printf '  %-9s %9s %9s %9s %9s %9s %9s %9s %8s %8s\n' "$2" untraced \
		isolens "--count" bpftrace "isolens+" "count+" "bpftrace+" \
		"iso+/bt+" "cnt+/bt+"
	for op in $OPS; do
		b=$(median < "$WORK/base.$op")
		i=$(median < "$WORK/iso.$op")
		c=$(median < "$WORK/cnt.$op")
		t=nan
		[ -s "$WORK/bt.$op" ] && t=$(median < "$WORK/bt.$op")
		di=$(awk -v a="$i" -v b="$b" 'BEGIN { printf "%.1f", a - b }')
		dc=$(awk -v a="$c" -v b="$b" 'BEGIN { printf "%.1f", a - b }')
		dt=nan
		[ "$t" != nan ] && dt=$(awk -v a="$t" -v b="$b" 'BEGIN { printf "%.1f", a - b }')
		printf '  %-9s %9s %9s %9s %9s %9s %9s %9s %8s %8s\n' "$op" \
			"$b" "$i" "$c" "$t" "$di" "$dc" "$dt" \
			"$(ratio "$di" "$dt")" "$(ratio "$dc" "$dt")"
	done
	echo "  (all in $unit)"
}

bench_syscalls() {
	local rep
	echo "== syscall overhead: $(where), kernel $(uname -r), $(nproc) CPUs, $(others), load average $(loadavg)"
	bpftrace_script --all || return 1
	echo "  isolens trace --all attaches $NPROBES tracepoints/kprobes$( [ "$NFENTRY" -gt 0 ] &&
		echo " (and $NFENTRY fentry/fexit links, not copied to bpftrace)");"
	echo "  bpftrace script: the same $NPROBES attach points, @[probe] = count()"
	echo "  operations per run: fork ${COUNT[fork]} (fork+_exit+waitpid), unshare ${COUNT[unshare]} (unshare(0)),"
	echo "  setns ${COUNT[setns]} (setns(-1,0) = EBADF), getppid ${COUNT[getppid]} (no isolens tracepoint); $REPS reps, medians"
	run_ops warm || return 1
	DROPS=()
	rm -f "$WORK"/base.* "$WORK"/iso.* "$WORK"/bt.*
	for ((rep = 0; rep < REPS; rep++)); do
		run_ops base || return 1
		isolens_start /dev/null --all || return 1
		run_ops iso
		isolens_stop
		read -r ISO_EV ISO_DROP < "$WORK/iso.sum"
		DROPS+=("$ISO_DROP")
		isolens_start "$WORK/cnt.out" --all --count || return 1
		run_ops cnt
		isolens_stop
		CNT_EV=$(sed -n 's/^--- summary: \([0-9]*\) events.*/\1/p' "$WORK/cnt.out")
		if [ -n "$BPFTRACE" ] && bpftrace_start; then
			run_ops bt
			bpftrace_stop
			BT_EV=$(cat "$WORK/bt.sum")
		fi
	done
	print_table ns "ns/op"
	echo "  last rep: isolens received $ISO_EV events, isolens --count counted ${CNT_EV:-?}, bpftrace counted ${BT_EV:-?} probe hits;"
	echo "  isolens drops (default 8M buffer) per rep: $(IFS=/; echo "${DROPS[*]}")"
	echo "  (isolens+ = streaming every event as a record, count+ = isolens trace --count, bpftrace+ ="
	echo "   bpftrace counting: each traced minus untraced; goal: <= 1 for the equivalent work, --count)"
	echo "  load average after: $(loadavg)"
}

# --- 2. event rate with 0 drops ------------------------------------------------

# rate_run FORMAT BUFFER WORKERS PER_WORKER [RATE_PER_WORKER]: leaves
# "WALL_S EVENTS DROPS" in $WORK/run
rate_run() {
	local fmt=$1 buf=$2 w=$3 n=$4 pace=${5:-} out=/dev/null args t0 t1 i
	local pids=()
	args=(--all --buffer "$buf")
	if [ "$fmt" = json ]; then
		out=$SHM/out.json
		args+=(--json)
	fi
	isolens_start "$out" "${args[@]}" || return 1
	t0=$EPOCHREALTIME
	for ((i = 0; i < w; i++)); do
		"$HELPER" unshare "$n" $pace > /dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=$EPOCHREALTIME
	if [ "$fmt" = json ]; then isolens_stop json "$out"; else isolens_stop; fi
	rm -f "$SHM/out.json"
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
		"$(cat "$WORK/iso.sum")" > "$WORK/run"
}

# drain_run FORMAT COUNT: with the tracer stopped, COUNT unshare(0) fill a
# 256M ring buffer; then it is resumed and stopped: the time until it has
# exited is the consumer's alone (formatting, attribution, writing), at
# full speed.  Leaves "SECONDS EVENTS DROPS" in $WORK/run.
drain_run() {
	local fmt=$1 n=$2 out=/dev/null args t0 t1
	args=(--all --buffer 256M)
	if [ "$fmt" = json ]; then
		out=$SHM/out.json
		args+=(--json)
	fi
	isolens_start "$out" "${args[@]}" || return 1
	kill -STOP "$TRACER"
	"$HELPER" unshare "$n" > /dev/null
	t0=$EPOCHREALTIME
	kill -INT "$TRACER"
	kill -CONT "$TRACER"
	if [ "$fmt" = json ]; then isolens_stop json "$out"; else isolens_stop; fi
	t1=$EPOCHREALTIME
	rm -f "$SHM/out.json"
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
		"$(cat "$WORK/iso.sum")" > "$WORK/run"
}

# rate_median FORMAT BUFFER WORKERS N [PACE]: 3 runs; leaves
# "RATE EVENTS DROPS ALLDROPS" in $WORK/med: the run with the median
# received rate, and the drops of all 3 runs ("a/b/c")
rate_median() {
	local i d
	: > "$WORK/rates"
	for ((i = 0; i < 3; i++)); do
		rate_run "$@" || return 1
		awk '{ printf "%.0f %s %s\n", $2 / $1, $2, $3 }' "$WORK/run" \
			>> "$WORK/rates"
	done
	d=$(awk '{ print $3 }' "$WORK/rates" | paste -sd/)
	sort -n "$WORK/rates" | awk -v d="$d" 'NR == 2 { print $0, d }' \
		> "$WORK/med"
}

bench_rate() {
	local fmt buf w rate ev drops all n=600000 pace best wall i
	echo "== event rate: $(where), $(others), load average $(loadavg)"
	echo "  isolens trace --all; workload unshare(0) flat out (1 record per call), $n calls per worker;"
	echo "  text to /dev/null, --json to a tmpfs file; median of 3 runs by rate"
	echo "  (events/s = events received / workload wall time; drops of all 3 runs shown)"
	printf '  %-5s %-6s %-8s %10s %9s %9s  %s\n' format buffer workers \
		"events/s" events dropped "dropped (3 runs)"
	for fmt in text json; do
		for buf in 8M 64M; do
			for w in 1 2; do
				rate_median $fmt $buf $w $n || return 1
				read -r rate ev drops all < "$WORK/med"
				printf '  %-5s %-6s %-8s %10s %9s %9s  %s\n' $fmt \
					$buf $w "$rate" "$ev" "$drops" "$all"
				[ "$all" = 0/0/0 ] || DROPPY+=("$fmt $buf")
			done
		done
	done
	# the consumer alone, without a workload competing for the CPUs
	for fmt in text json; do
		: > "$WORK/rates"
		for ((i = 0; i < 3; i++)); do
			drain_run $fmt 800000 || return 1
			awk '{ printf "%.0f %s %s %s\n", $2 / $1, $2, $3, $1 }' \
				"$WORK/run" >> "$WORK/rates"
		done
		read -r rate ev drops wall < <(sort -n "$WORK/rates" | sed -n 2p)
		echo "  consumer alone ($fmt): $ev events queued with the tracer stopped (--buffer 256M, $drops dropped)," \
			"drained in $wall s: $rate events/s (median of 3)"
	done
	# where flat out dropped: the highest paced rate (1 worker, ~1.5 s)
	# that did not; the rate shown is the one achieved, not the target
	for r in $(printf '%s\n' "${DROPPY[@]}" | sort -u | tr ' ' :); do
		fmt=${r%:*}
		buf=${r#*:}
		best=none
		for pace in 1000000 700000 500000 350000 250000 150000 100000 50000; do
			rate_run $fmt $buf 1 $((pace * 3 / 2)) $pace || break
			read -r wall ev drops < "$WORK/run"
			if [ "$drops" = 0 ]; then
				best="$(awk -v e="$ev" -v w="$wall" \
					'BEGIN { printf "%.0f", e / w }') events/s received (paced at $pace/s)"
				break
			fi
		done
		echo "  $fmt --buffer $buf: highest drop-free paced rate: $best"
	done
	echo "  goal: >= 1000000 events/s with 0 dropped; load average after: $(loadavg)"
}

# --- 3. KVM exits ---------------------------------------------------------------

# guest_run MODE: one hostile guest, ns per exit appended to $WORK/MODE.exit
guest_run() {
	"$ISOLENS" vm run --guest hostile --stats > /dev/null 2> "$WORK/vm.err" ||
		{ echo "vm run failed: $(tail -n 1 "$WORK/vm.err")" >&2; return 1; }
	awk '/guest halted/ { for (i = 1; i <= NF; i++) if ($i == "ms") ms = $(i - 1) }
	     /\(userspace\)/ { sub(/.*total /, ""); sub(/\).*/, ""); u = $0 }
	     /inside KVM/ { k = $NF }
	     END { if (u + k > 0) printf "%.1f\n", ms * 1e6 / (u + k) }' \
		"$WORK/vm.err" >> "$WORK/$1.exit"
	EXITS=$(sed -n 's/.*(total \([0-9]*\)).*/\1/p' "$WORK/vm.err")
}

bench_kvm() {
	local rep g
	echo "== KVM exits: $(where), kernel $(uname -r), /dev/kvm $(grep -qw svm /proc/cpuinfo && echo SVM ||
		{ grep -qw vmx /proc/cpuinfo && echo VMX || echo 'without vmx/svm (PVM?)'; }),"
	echo "   $(others), load average $(loadavg)"
	"$ISOLENS" vm run --guest hostile > /dev/null 2>&1 ||
		{ echo "  isolens vm run --guest hostile fails here: skipped"; return 1; }
	bpftrace_script --all --events kvm || return 1
	echo "  isolens trace --all --events kvm attaches $NPROBES tracepoints; bpftrace the same, counting"
	rm -f "$WORK"/*.exit
	for ((rep = 0; rep < REPS; rep++)); do
		# progress on stderr: under TCG one rep takes minutes
		for g in 1 2 3; do guest_run base || return 1; done
		echo "  rep $rep: untraced $(tail -n 3 "$WORK/base.exit" | paste -sd' ') ns/exit" >&2
		isolens_start /dev/null --all --events kvm || return 1
		for g in 1 2 3; do guest_run iso; done
		isolens_stop
		echo "  rep $rep: isolens $(tail -n 3 "$WORK/iso.exit" | paste -sd' ') ns/exit" >&2
		read -r ISO_EV ISO_DROP < "$WORK/iso.sum"
		isolens_start /dev/null --all --events kvm --count || return 1
		for g in 1 2 3; do guest_run cnt; done
		isolens_stop
		echo "  rep $rep: isolens --count $(tail -n 3 "$WORK/cnt.exit" | paste -sd' ') ns/exit" >&2
		if [ -n "$BPFTRACE" ] && bpftrace_start; then
			for g in 1 2 3; do guest_run bt; done
			bpftrace_stop
			echo "  rep $rep: bpftrace $(tail -n 3 "$WORK/bt.exit" | paste -sd' ') ns/exit" >&2
			BT_EV=$(cat "$WORK/bt.sum")
		fi
	done
	echo "  guest: isolens vm run --guest hostile, $EXITS exits to userspace per run;" \
		"per-exit time = VMM run time / exits; $((REPS * 3)) runs, medians"
	OPS=exit
	print_table ns "ns/exit"
	echo "  last rep (3 guests): isolens received $ISO_EV events, $ISO_DROP dropped;" \
		"bpftrace counted ${BT_EV:-?} probe hits"
	echo "  load average after: $(loadavg)"
}

DROPPY=()
if [ $KVM -eq 1 ]; then
	bench_kvm
else
	bench_syscalls
	echo
	bench_rate
fi
