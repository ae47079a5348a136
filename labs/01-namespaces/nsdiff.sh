#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nsdiff.sh PID1 PID2: print, one per line in this order, the namespace kinds
# in which PID1 and PID2 differ.  Exit 0; 1 when a process's namespaces
# cannot be read; 2 for a usage error.
#
# The identity of a namespace is the inode number of its /proc/PID/ns/KIND
# link (namespaces(7)): readlink shows it as "net:[4026531840]".
set -u
[ $# -eq 2 ] || { echo "usage: nsdiff.sh PID1 PID2" >&2; exit 2; }

for kind in cgroup ipc mnt net pid time user uts; do
	# TODO 1: read PID1's namespace of this kind; exit 1 if it cannot be
	#         read (no such process, or no permission).
	a=

	# TODO 2: the same for PID2.
	b=

	# TODO 3: print "$kind" when the two differ.
	:
done
exit 0
