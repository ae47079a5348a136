#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nsdiff.sh PID1 PID2: print, one per line in this order, the namespace kinds
# in which PID1 and PID2 differ.  Exit 0; 1 when a process's namespaces
# cannot be read; 2 for a usage error.
set -u
[ $# -eq 2 ] || { echo "usage: nsdiff.sh PID1 PID2" >&2; exit 2; }

for kind in cgroup ipc mnt net pid time user uts; do
	a=$(readlink "/proc/$1/ns/$kind") || exit 1
	b=$(readlink "/proc/$2/ns/$kind") || exit 1
	[ "$a" = "$b" ] || echo "$kind"
done
exit 0
