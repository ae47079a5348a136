#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Inside the lab VM: the environment the other suites rely on.

load ../common

@test "we are inside the lab VM, as root" {
	in_lab_vm
	assert_equal "$(id -u)" 0
}

@test "the root is a real mount (pivot_root works), not the initramfs" {
	run awk '$2 == "/" { t = $3 } END { print t }' /proc/self/mounts
	assert_output 9p
	# pivot_root needs a real root; unshare -m + pivot_root into a tmpfs
	run unshare -m sh -c 'mkdir -p /tmp/pr && mount -t tmpfs none /tmp/pr && mkdir /tmp/pr/old && cd /tmp/pr && pivot_root . old && echo pivoted'
	assert_success
	assert_output pivoted
}

@test "the host root is read-only, /tmp and the work tree are writable" {
	run touch /usr/isolens-should-fail
	assert_failure
	touch /tmp/ok "$TOP/tests/.results/vm-writable" && rm "$TOP/tests/.results/vm-writable"
}

@test "pure cgroup v2 with cpu, memory and pids for children" {
	require_cgroup2_controllers cpu memory pids
	assert_equal "$(stat -f -c %T /sys/fs/cgroup)" cgroup2fs
}

@test "tracefs, debugfs and bpffs are mounted" {
	assert_equal "$(stat -f -c %T /sys/kernel/tracing)" tracefs
	assert_equal "$(stat -f -c %T /sys/kernel/debug)" debugfs
	assert_equal "$(stat -f -c %T /sys/fs/bpf)" bpf_fs
}

@test "/dev/kvm runs a tiny guest to HLT" {
	require_hw_kvm
	run "$TOP/tests/helpers/kvm_hlt"
	assert_success
	assert_output "exit io port=0x3f8 dir=out byte=K
exit hlt"
}

@test "the module, kprobes and fentry are available" {
	require_modules
	[ -e /sys/kernel/tracing/kprobe_events ]
	require_fentry
}
