#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 07 checker: runs the student's exits.sh once (a Linux boot in an
# isolens micro-VM, its KVM events counted in the kernel), recomputes every
# number from the summary it kept, and checks the answers against that run.
# make lab-check N=07 (in the lab VM: Linux boots there on nested SVM).

bats_require_minimum_version 1.5.0
load ../lib

setup_file() {
	export RUN_DIR=$BATS_FILE_TMPDIR
	[ -c /dev/kvm ] && [ "$(id -u)" -eq 0 ] || return 0
	EXITS_JSON=$RUN_DIR/exits.json ISOLENS=$ISOLENS \
		timeout 600 sh "$SUB/exits.sh" true >"$RUN_DIR/out" 2>"$RUN_DIR/err"
	echo $? >"$RUN_DIR/status"
}

setup() {
	require_lab_vm
	[ -c /dev/kvm ] || skip "no /dev/kvm here: run it in the lab VM (make lab-check N=07)"
	J=$RUN_DIR/exits.json
}

value() { # value KEY: the number on exits.sh's "KEY N" line
	awk -v k="$1" '$1 == k && NF == 2 { print $2 }' "$RUN_DIR/out"
}

# What the summary says, independently of exits.sh
summary() {
	jq -r ".summary | $1" "$J"
}

# "reason N" per exit reason, all vCPUs together
reasons() {
	jq -r '[.summary.exits[] | to_entries[]] | group_by(.key)[] |
		"\(.[0].key | gsub(" "; "_")) \(map(.value) | add)"' "$J"
}

@test "exits.sh counts a Linux boot's KVM events and keeps the summary (TODO 1)" {
	assert_equal "$(cat "$RUN_DIR/status")" 0
	[ -s "$J" ] || fail "no summary in \$EXITS_JSON: $(tail -n 3 "$RUN_DIR/err")"
	assert_equal "$(jq -c 'keys' "$J")" '["summary"]'
	# counted, not streamed: nothing lost, and a whole boot's worth
	assert_equal "$(summary .drops)" 0
	[ "$(summary .by_kind.kvm_exit)" -gt 1000 ]
	[ "$(summary .by_kind.kvm_userspace_exit)" -gt 10 ]
	# one VM, and it was isolens' own
	run summary '.exits | keys[]'
	assert_output --regexp '^\[vm [^/]+/vcpu0\]$'
}

@test "total, in_kernel and to_vmm match the summary (TODO 2, 3)" {
	local total to_vmm
	total=$(summary .by_kind.kvm_exit)
	to_vmm=$(summary .by_kind.kvm_userspace_exit)
	assert_equal "$(value total)" "$total"
	assert_equal "$(value to_vmm)" "$to_vmm"
	assert_equal "$(value in_kernel)" "$((total - to_vmm))"
}

@test "one reason line per exit reason, most frequent first, summing to total (TODO 4)" {
	run awk '$1 == "reason" { print $2, $3 }' "$RUN_DIR/out"
	[ -n "$output" ] || fail "no 'reason NAME N' lines"
	assert_equal "$(sort <<<"$output")" "$(reasons | sort)"
	# sorted by count, descending
	assert_equal "$(awk '{ print $2 }' <<<"$output")" \
		"$(awk '{ print $2 }' <<<"$output" | sort -nr)"
	assert_equal "$(awk '{ n += $2 } END { print n }' <<<"$output")" \
		"$(value total)"
}

@test "answers: the boot's exits, from this run" {
	local top vmm_top
	require_answered top_reason most_handled_by vmm_reason guest_syscalls_on_host
	top=$(reasons | sort -k2,2nr | awk 'NR == 1 { print tolower($1) }')
	assert_answer top_reason "$top"
	if [ "$(summary .by_kind.kvm_userspace_exit)" -lt \
	     $(($(summary .by_kind.kvm_exit) / 2)) ]; then
		assert_answer most_handled_by kernel "the kernel" kvm
	else
		assert_answer most_handled_by vmm "the vmm"
	fi
	vmm_top=$(jq -r '[.summary.to_vmm[] | to_entries[]] | group_by(.key) |
		map({k: .[0].key, n: (map(.value) | add)}) | max_by(.n) | .k |
		ascii_downcase' "$J")
	assert_answer vmm_reason "$vmm_top" "kvm_exit_$vmm_top"
	assert_answer guest_syscalls_on_host 0 none zero
}
