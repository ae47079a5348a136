#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# limit.sh NAME PIDS MEMORY -- CMD [ARG...]
#
# Run CMD in the cgroup v2 leaf /sys/fs/cgroup/NAME (created if missing) with
# pids.max = PIDS and memory.max = MEMORY (bytes, or with a K/M/G suffix as
# the kernel accepts them), and no swap.  CMD replaces this shell, so its
# exit status is limit.sh's.  Exit 1 when the cgroup cannot be set up.
set -eu
[ $# -ge 5 ] && [ "$4" = -- ] ||
	{ echo "usage: limit.sh NAME PIDS MEMORY -- CMD [ARG...]" >&2; exit 2; }
name=$1 pids=$2 mem=$3
shift 4
CG=/sys/fs/cgroup/$name

# The controllers must be enabled for the children of the root
# (cgroup.subtree_control); the lab VM has done that for cpu, memory, pids.

# TODO 1: create the leaf $CG (a cgroup is a directory: mkdir).

# TODO 2: limit the number of tasks: write $pids into its pids.max.

# TODO 3: limit memory: write $mem into memory.max, and 0 into
#         memory.swap.max so that the limit cannot be dodged by swapping.

# TODO 4: move this shell into the cgroup: write its pid ($$) into
#         cgroup.procs.  Everything it execs and forks from now on is charged
#         to $CG.

exec "$@"
