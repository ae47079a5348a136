#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long the lab VM takes from qemu's start to the command's start, and
# the whole run of a trivial command (boot + run + power off), over N runs.
# Prints numbers; asserts nothing.   usage: tests/bench/labvm.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-5}
ISOLENS=${ISOLENS:-tools/isolens/isolens}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

"$ISOLENS" lab info | sed 's/^/# /'
boot=() wall=()
for i in $(seq "$n"); do
	t0=$(date +%s.%N)
	line=$("$ISOLENS" lab run -v -- true 2>&1 >/dev/null | grep 'command started')
	t1=$(date +%s.%N)
	boot+=("$(sed -E 's/.*command started ([0-9.]+) s.*/\1/' <<<"$line")")
	wall+=("$(echo "$t1 - $t0" | bc)")
done
printf 'runs                     %d\n' "$n"
printf 'qemu start -> command    median %.2f s  (runs: %s)\n' "$(printf '%s\n' "${boot[@]}" | median)" "${boot[*]}"
printf 'whole run of true        median %.2f s\n' "$(printf '%s\n' "${wall[@]}" | median)"
printf 'goal                     <= 5.00 s to the command\n'
