# SPDX-License-Identifier: GPL-2.0
# Shared by every bats suite: load ../helpers (from tests/host or tests/vm).
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

# fentry needs BPF trampolines; probe by loading one with bpftool is heavy,
# so use the kernel's own verdict: available_filter_functions exists only
# when the function tracer (which trampolines build on) is usable.
require_fentry() {
	require_root
	[ -r /sys/kernel/tracing/available_filter_functions ] ||
		[ -r /sys/kernel/debug/tracing/available_filter_functions ] ||
		skip "no ftrace function tracer here, so no BPF trampolines (fentry/fexit)"
}

in_lab_vm() {
	[ "$(hostname)" = isolens-lab ]
}
