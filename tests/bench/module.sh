#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-event cost of the module path against the BPF path, on the same
# workload, in the lab VM (the only place the module loads).  Prints numbers
# and the ratio; asserts nothing.   usage: tests/bench/module.sh [FORKS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
ISOLENS=$PWD/tools/isolens/isolens
if [ "$(hostname)" != isolens-lab ]; then
	exec "$ISOLENS" lab run --timeout 1200 -- tests/bench/module.sh "$@"
fi
op=${OP:-unshare}
n=${1:-20000}
runs=${2:-3}
work=tests/helpers/bench_syscalls
[ -x "$work" ] || { echo "build first: make tests" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# ns per operation of the workload: field 4 of its output line
run_work() { "$work" "$op" "$n" | awk '{print $4}'; }

rmmod isolens 2>/dev/null || true
insmod module/isolens.ko

base=$(for i in $(seq "$runs"); do run_work; done | median)
declare -A per_op events dropped
for backend in bpf module; do
	ops=() evs=() drops=()
	for i in $(seq "$runs"); do
		err=$(mktemp)
		"$ISOLENS" trace --backend "$backend" --all --events proc,ns > /dev/null 2> "$err" &
		tracer=$!
		until grep -q 'tracing' "$err"; do sleep 0.1; done
		ops+=("$(run_work)")
		kill -INT "$tracer"
		wait "$tracer" || true
		# produced = received + dropped: the kernel side did the work for both
		evs+=("$(sed -nE 's/^--- summary: ([0-9]+) events.*, ([0-9]+) dropped.*/\1 + \2/p' "$err" | bc)")
		drops+=("$(sed -nE 's/^--- summary: .*, ([0-9]+) dropped.*/\1/p' "$err")")
		rm -f "$err"
	done
	per_op[$backend]=$(printf '%s\n' "${ops[@]}" | median)
	events[$backend]=$(printf '%s\n' "${evs[@]}" | median)
	dropped[$backend]=$(printf '%s\n' "${drops[@]}" | median)
done
rmmod isolens

echo "workload: $n x $op (OP=fork|unshare|setns), median of $runs runs, lab VM $(uname -r) ($(nproc) vCPUs, TCG)"
printf "%-10s %12s %14s %10s %14s\n" path "ns/op" "events/run" dropped "ns/event"
printf '%-10s %12.0f %14s %10s %14s\n' untraced "$base" - - -
for b in bpf module; do
	cost=$(echo "(${per_op[$b]} - $base) * $n / ${events[$b]}" | bc -l)
	printf '%-10s %12.0f %14s %10s %14.0f\n' "$b" "${per_op[$b]}" "${events[$b]}" "${dropped[$b]}" "$cost"
	eval "cost_$b=$cost"
done
printf 'ratio module/bpf per event: %.2f\n' "$(echo "$cost_module / $cost_bpf" | bc -l)"
