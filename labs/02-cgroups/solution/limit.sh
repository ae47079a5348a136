#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# limit.sh NAME PIDS MEMORY -- CMD [ARG...]: run CMD in /sys/fs/cgroup/NAME
# with pids.max = PIDS, memory.max = MEMORY and no swap.
set -eu
[ $# -ge 5 ] && [ "$4" = -- ] ||
	{ echo "usage: limit.sh NAME PIDS MEMORY -- CMD [ARG...]" >&2; exit 2; }
name=$1 pids=$2 mem=$3
shift 4
CG=/sys/fs/cgroup/$name

mkdir -p "$CG"
echo "$pids" >"$CG/pids.max"
echo "$mem" >"$CG/memory.max"
echo 0 >"$CG/memory.swap.max"
echo $$ >"$CG/cgroup.procs"

exec "$@"
