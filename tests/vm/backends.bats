#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The two trace backends, BPF and the module, deliver the same records for
# the same scenario: one decoder, one attribution, one summary serve both.

load ../common
bats_require_minimum_version 1.5.0

setup_file() {
	[ -f "$TOP/module/isolens.ko" ] || return 0
	[ "$(id -u)" -eq 0 ] && [ -e /proc/modules ] || return 0
	rmmod isolens 2>/dev/null || true
	insmod "$TOP/module/isolens.ko"
}

teardown_file() {
	rmmod isolens 2>/dev/null || true
}

setup() {
	require_modules
	[ -c /dev/isolens ] || skip "isolens.ko is not built (make module)"
}

# events BACKEND CLASSES CMD...: one normalized line per record, sorted.
# Namespace inodes read "host" or "new" and cgroup ids "root" or "child":
# a fresh namespace or cgroup gets a new number on every run.
events() {
	local backend=$1 classes=$2
	shift 2
	"$ISOLENS" trace --backend "$backend" --events "$classes" --json -- "$@" 2>/dev/null |
		jq -r --argjson host "$HOST_NS" '
			select(.kind and .kind != "summary")
			| [.kind,
			   (.ns | to_entries | map(.key + "=" + (if .value == $host[.key] then "host" else "new" end)) | join(",")),
			   (if .cgroup_id == 1 then "root" else "child" end),
			   (.reason // "")]
			| @tsv' | sort
}

host_ns() {
	local k out="{"
	for k in mnt pid net uts ipc user cgroup time; do
		out+="\"$k\":$(stat -L -c %i /proc/self/ns/$k),"
	done
	echo "${out%,}}"
}

@test "module backend: records arrive through /dev/isolens, attributed like BPF's" {
	run "$ISOLENS" trace --backend module --events ns -- unshare --uts true
	assert_success
	assert_output --partial "unshare(NEWUTS) = 0"
	assert_output --regexp "summary: [0-9]+ events .*0 dropped"
}

@test "auto picks the module while it is loaded, and says why" {
	run "$ISOLENS" trace --backend auto --events ns -- true
	assert_success
	assert_output --partial "backend module: /dev/isolens exists"
}

@test "parity: namespaces (unshare uts+net) give the same records from both backends" {
	HOST_NS=$(host_ns)
	bpf=$(events bpf ns,proc unshare --uts --net true)
	mod=$(events module ns,proc unshare --uts --net true)
	[ -n "$bpf" ]
	assert_equal "$mod" "$bpf"
	[[ "$bpf" == *unshare*new* ]]
}

@test "parity: cgroup mkdir, attach and rmdir give the same records from both backends" {
	HOST_NS=$(host_ns)
	cg=/sys/fs/cgroup/isolens-parity
	scenario="mkdir $cg && echo \$\$ > $cg/cgroup.procs && echo \$\$ > /sys/fs/cgroup/cgroup.procs && rmdir $cg"
	bpf=$(events bpf cgroup sh -c "$scenario")
	mod=$(events module cgroup sh -c "$scenario")
	[[ "$bpf" == *cgroup_mkdir* ]]
	[[ "$bpf" == *cgroup_attach* ]]
	assert_equal "$mod" "$bpf"
}

@test "parity: a KVM guest's exits give the same records from both backends" {
	require_hw_kvm
	HOST_NS=$(host_ns)
	# external-interrupt exits depend on timer timing, not on the backend
	keep='^kvm_(exit|userspace_exit|pio)\t'
	guest="exec $TOP/tests/helpers/kvm_hlt > /dev/null"
	bpf=$(events bpf kvm sh -c "$guest" | grep -P "$keep" | grep -v -P '\tinterrupt$')
	mod=$(events module kvm sh -c "$guest" | grep -P "$keep" | grep -v -P '\tinterrupt$')
	[[ "$bpf" == *kvm_pio* ]]
	[[ "$bpf" == *kvm_userspace_exit* ]]
	assert_equal "$mod" "$bpf"
}

@test "module backend: a missing device is one line, exit 125" {
	rmmod isolens
	run "$ISOLENS" trace --backend module -- true
	insmod "$TOP/module/isolens.ko"
	assert_failure 125
	assert_output "isolens trace: no /dev/isolens: the isolens module is not loaded (insmod module/isolens.ko, in the lab VM)"
}
