#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The showcase's guest half: runs as root inside the lab VM (make demo).
set -u
ISOLENS=$PWD/tools/isolens/isolens
DEMO_OUT=${DEMO_OUT:-$PWD/demo-out}
DEMO_WORKLOADS=${DEMO_WORKLOADS:-hostname fork-bomb alloc}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Inside the lab VM: kernel $(uname -r), hostname $(hostname)"

step "A container shares this kernel: new namespaces, same uname -r"
printf '    outside: uts %s  pid %s  kernel %s\n' \
	"$(readlink /proc/self/ns/uts)" "$(readlink /proc/self/ns/pid)" "$(uname -r)"
"$ISOLENS" container run --name demo -- sh -c \
	'printf "    inside:  uts %s  pid %s  kernel %s  (I am pid %s)\n" "$(readlink /proc/self/ns/uts)" "$(readlink /proc/self/ns/pid)" "$(uname -r)" $$'

step "The tracer sees the namespace being made, in the shared kernel"
"$ISOLENS" trace --events ns -- unshare --uts --net true 2>&1 | sed 's/^/    /'

if [ -c /dev/kvm ]; then
	step "A VM does not share it: the guest's I/O exits to the hypervisor instead"
	"$ISOLENS" vm run --guest hello-real --explain 2>&1 | head -n 12 | sed 's/^/    /'
	echo "    ..."
fi

if [ -c /dev/kvm ]; then
	# the main job: the same command in a container and in a micro-VM
	mkdir -p "$DEMO_OUT"
	for w in $DEMO_WORKLOADS; do
		step "isolens compare --workload $w: a container and a micro-VM side by side (about a minute)"
		"$ISOLENS" compare --workload "$w" --html "$DEMO_OUT/compare-$w.html" \
			--perfetto "$DEMO_OUT/compare-$w.perfetto.json" 2>&1 | sed 's/^/    /'
		echo "    report: $DEMO_OUT/compare-$w.html"
	done
fi

if [ -f module/isolens.ko ]; then
	step "The kernel side: isolens.ko loads into this throwaway kernel"
	insmod module/isolens.ko && ls -l /dev/isolens | sed 's/^/    /'
	grep -E '^(abi_version|hook sched_process_fork|kprobe switch_task_namespaces)' /proc/isolens/stats | sed 's/^/    /'
	rmmod isolens
fi
