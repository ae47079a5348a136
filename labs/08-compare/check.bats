#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 08 checker: runs one `isolens compare --workload hostname --json`,
# checks that the student's boundary.sh reads the same numbers out of it as
# jq does, and checks the answers against that report (and, for the
# workloads it does not rerun, against what the kernel always does).
# make lab-check N=08 (in the lab VM: root, KVM that boots Linux, cgroup v2).

bats_require_minimum_version 1.5.0
load ../lib

setup_file() {
	export REPORT=$BATS_FILE_TMPDIR/hostname.json
	[ -c /dev/kvm ] && [ "$(id -u)" -eq 0 ] || return 0
	timeout 600 "$ISOLENS" compare --workload hostname --json >"$REPORT" \
		2>"$BATS_FILE_TMPDIR/err"
	echo $? >"$BATS_FILE_TMPDIR/status"
}

setup() {
	require_lab_vm
	[ -c /dev/kvm ] || skip "no /dev/kvm here: run it in the lab VM (make lab-check N=08)"
	[ "$(cat "$BATS_FILE_TMPDIR/status")" = 0 ] ||
		fail "isolens compare failed: $(cat "$BATS_FILE_TMPDIR/err")"
}

q() { jq -r "$1" "$REPORT"; }

@test "boundary.sh: the container line has the report's numbers (TODO 1)" {
	run --separate-stderr sh "$SUB/boundary.sh" "$REPORT"
	assert_success
	assert_line "container: $(q .container.syscalls.total) syscalls entered the host kernel ($(q .container.syscalls.distinct) distinct); top checkpoint $(q '.container.hot_paths.functions[0].name')"
}

@test "boundary.sh: the VM line has the report's numbers (TODO 2)" {
	run --separate-stderr sh "$SUB/boundary.sh" "$REPORT"
	assert_success
	assert_line "vm: $(q .vm.guest_syscalls_seen_by_host) guest syscalls on the host; $(q .vm.exits.total) exits, $(q .vm.exits.in_kernel) in KVM, $(q .vm.exits.to_vmm) to the VMM; top checkpoint $(q '.vm.hot_paths.functions[0].name')"
}

@test "boundary.sh refuses a missing report with status 2" {
	run --separate-stderr sh "$SUB/boundary.sh" /nonexistent.json
	assert_failure 2
}

@test "answers: hostname, from this run's report" {
	require_answered ctr_sethostname_ok vm_sethostname_ok vm_sethostname_on_host \
		ctr_top_function vm_top_function
	if q .container.output | grep -qx isolens-demo; then
		assert_answer ctr_sethostname_ok yes
	else
		assert_answer ctr_sethostname_ok no
	fi
	if q .vm.output | grep -qx isolens-demo; then
		assert_answer vm_sethostname_ok yes
	else
		assert_answer vm_sethostname_ok no
	fi
	assert_answer vm_sethostname_on_host "$(q '.vm.vmm_syscalls.by_name.sethostname // 0')"
	assert_answer ctr_top_function "$(q '.container.hot_paths.functions[0].name')"
	assert_answer vm_top_function "$(q '.vm.hot_paths.functions[0].name')"
}

@test "answers: fork-bomb and alloc, what the host kernel does" {
	require_answered pids_refused_by alloc_ctr_status
	assert_answer pids_refused_by pids_can_fork "pids_can_fork()"
	assert_answer alloc_ctr_status 137
}
