#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens compare: bad input, and the refusal where no VM can boot.  The
# real comparison needs hardware-backed KVM and pure cgroup v2: it is in
# tests/vm/compare.bats.

bats_require_minimum_version 1.5.0
load ../common

@test "compare: an unknown workload is one line naming it, exit 2" {
	run -2 --separate-stderr "$ISOLENS" compare --workload no-such-thing
	assert_output ""
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "isolens compare: unknown workload 'no-such-thing' (known: hostname, ps, net, fork-bomb, alloc, io)" ]]
}

@test "compare: --workload and -- CMD together is a usage error" {
	run -2 --separate-stderr "$ISOLENS" compare --workload ps -- true
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"either --workload or -- CMD"* ]]
}

@test "compare: a stray argument and an unknown option are usage errors" {
	run -2 --separate-stderr "$ISOLENS" compare hostname
	[[ "$stderr" == *"unexpected argument 'hostname'"* ]]
	run -2 "$ISOLENS" compare --bogus
}

@test "compare --help lists every built-in workload" {
	run "$ISOLENS" compare --help
	assert_success
	for w in hostname ps net fork-bomb alloc io; do
		assert_line --partial "      $w "
	done
}

@test "compare: without KVM that boots Linux, one clear line and exit 125" {
	require_root
	if [ -c /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
		skip "this machine has hardware-backed KVM: the refusal cannot be shown"
	fi
	run -125 --separate-stderr "$ISOLENS" compare --workload hostname
	assert_output ""
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "isolens compare: no KVM that can boot Linux for the VM side: "*"(run it in the lab VM: isolens lab run -- isolens compare)" ]]
}

@test "compare: not root is refused before anything runs" {
	[ "$(id -u)" -eq 0 ] || skip "already not root"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	run -125 --separate-stderr setpriv --reuid 65534 --regid 65534 --clear-groups "$ISOLENS" compare
	[[ "$stderr" == "isolens compare: needs root"* ]]
}
