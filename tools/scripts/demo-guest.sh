#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The showcase's guest half: runs as root inside the lab VM (make demo).
set -u
ISOLENS=$PWD/tools/isolens/isolens
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Inside the lab VM: kernel $(uname -r), hostname $(hostname)"

step "A container shares this kernel: a new UTS namespace is a new inode, same kernel"
printf '    outside: uts %s  hostname %s  kernel %s\n' \
	"$(readlink /proc/self/ns/uts)" "$(hostname)" "$(uname -r)"
unshare --uts sh -c 'hostname in-a-namespace; printf "    inside:  uts %s  hostname %s  kernel %s\n" \
	"$(readlink /proc/self/ns/uts)" "$(hostname)" "$(uname -r)"'

if [ -f module/isolens.ko ]; then
	step "The kernel side: isolens.ko loads into this throwaway kernel"
	insmod module/isolens.ko && ls -l /dev/isolens | sed 's/^/    /'
	[ -r /proc/isolens/stats ] && sed 's/^/    /' /proc/isolens/stats
	rmmod isolens
fi

if [ -c /dev/kvm ] && [ -x tests/helpers/kvm_hlt ]; then
	step "A VM does not share it: a guest's I/O exits to the hypervisor instead"
	tests/helpers/kvm_hlt | sed 's/^/    /'
fi
