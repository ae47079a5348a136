# SPDX-License-Identifier: GPL-2.0
# Shared by every bats suite: load ../common (from tests/host or tests/vm).
# (tests/helpers/ holds the C programs the tests run.)
#
# A require_* helper skips, saying why, only when the capability is truly
# absent here.  make check runs tests/vm inside the lab VM, where modules,
# kprobes, fentry, KVM and pure cgroup v2 all exist, so there they pass.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ISOLENS=${ISOLENS:-$TOP/tools/isolens/isolens}
export TOP ISOLENS

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (uid is $(id -u))"
}

require_kvm() {
	[ -c /dev/kvm ] || skip "no /dev/kvm on this kernel ($(uname -r))"
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm is not accessible to uid $(id -u)"
}

# KVM that can run real guests: hardware-backed (VMX/SVM), not paravirtual.
require_hw_kvm() {
	require_kvm
	grep -qwE 'vmx|svm' /proc/cpuinfo ||
		skip "/dev/kvm is not backed by VMX/SVM on this CPU (paravirtual KVM)"
}

require_modules() {
	[ -e /proc/modules ] || skip "this kernel cannot load modules (CONFIG_MODULES off)"
	require_root
}

# require_cgroup2_controllers CTRL...: a pure cgroup v2 hierarchy at
# /sys/fs/cgroup whose children can use each controller.
require_cgroup2_controllers() {
	local c
	[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] ||
		skip "/sys/fs/cgroup is not a pure cgroup v2 hierarchy (hybrid or v1 host)"
	for c in "$@"; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.subtree_control ||
			skip "cgroup v2 controller '$c' is not enabled for children"
	done
}

# fentry needs BPF trampolines, which build on the function tracer.  Where
# the kernel forbids that (lockdown, or a host that denies ftrace, as the
# dev machines here do), even root gets EPERM reading its function list.
require_fentry() {
	local f
	require_root
	for f in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		head -c 1 "$f/available_filter_functions" >/dev/null 2>&1 && return 0
	done
	skip "the function tracer is not permitted here, so no BPF trampolines (fentry/fexit)"
}

# wait_started NAME: until container NAME's state file names its pid 1 (a
# claim still starting has pid 0), up to 30 s for busy machines; prints it.
wait_started() {
	local i pid
	for i in $(seq 300); do
		pid=$(jq -r .pid "/run/isolens/containers/$1.json" 2>/dev/null)
		[ "${pid:-0}" -gt 0 ] 2>/dev/null && { echo "$pid"; return 0; }
		sleep 0.1
	done
	echo "container $1 did not start within 30 s" >&2
	return 1
}

in_lab_vm() {
	[ "$(hostname)" = isolens-lab ]
}
