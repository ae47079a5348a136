#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 01 checker: runs the student's nsdiff.sh against processes it puts in
# new namespaces, and compares answers.txt with what this kernel shows.
# make lab-check N=01 (root, in the lab VM).

load ../lib

setup() {
	require_lab_vm
	NSDIFF=$SUB/nsdiff.sh
	BG=
}

teardown() {
	[ -z "$BG" ] || { kill "$BG" 2>/dev/null; wait "$BG" 2>/dev/null; } || true
}

@test "nsdiff.sh: a process against itself differs in nothing" {
	run sh "$NSDIFF" $$ $$
	assert_success
	assert_output ""
}

@test "nsdiff.sh: unshare --uts --net differs in net and uts" {
	unshare --uts --net sleep 60 &
	BG=$!
	# unshare execs sleep: wait until $BG is in its own uts namespace
	wait_ns_differs $BG uts
	run sh "$NSDIFF" $$ $BG
	assert_success
	assert_output "$(printf 'net\nuts')"
}

@test "nsdiff.sh: unshare --user --mount --ipc, in either order" {
	unshare --user --mount --ipc sleep 60 &
	BG=$!
	wait_ns_differs $BG user
	run sh "$NSDIFF" $BG $$
	assert_success
	assert_output "$(printf 'ipc\nmnt\nuser')"
}

@test "nsdiff.sh: a process that does not exist is an error" {
	run sh "$NSDIFF" $$ 999999999
	assert_failure 1
	run sh "$NSDIFF" $$
	assert_failure 2
}

@test "Q1 kinds: the namespace kinds in /proc/self/ns" {
	assert_answer kinds "$(ls /proc/self/ns | grep -vc _for_children)"
}

@test "Q2 ls_label: how isolens ls labels unshare --uts --net" {
	require_answered ls_label
	unshare --uts --net sleep 60 &
	BG=$!
	wait_ns_differs $BG uts
	label=$("$ISOLENS" ls --json |
		jq -r --argjson p "$BG" '.contexts[] | select(.pids | index($p)) | .label')
	[ -n "$label" ] || fail "isolens ls does not list pid $BG"
	assert_answer ls_label "$label"
}

@test "Q3/Q4 unshare_flags, switch_function: from isolens trace" {
	require_answered unshare_flags switch_function
	run "$ISOLENS" trace --events ns -- unshare -U -n true
	assert_success
	flags=$(printf '%s\n' "$output" | sed -n 's/.*unshare(\([A-Z|]*\)).*/\1/p' | head -n 1)
	[ -n "$flags" ] || fail "isolens trace showed no unshare event: $output"
	assert_answer unshare_flags "$(echo "$flags" | tr 'A-Z' 'a-z')"
	assert_answer switch_function switch_task_namespaces
}

@test "Q5 pidns_pid: the first process of a new pid namespace" {
	assert_answer pidns_pid "$(unshare --pid --fork --mount-proc sh -c 'echo $$')"
}

@test "Q6 uid_map: unshare -U -r" {
	assert_answer uid_map "$(unshare -U -r cat /proc/self/uid_map | tr -s ' \t' ' ' | sed 's/^ //')"
}

@test "Q7 host_hostname_changed: a uts namespace keeps hostname to itself" {
	before=$(hostname)
	inside=$(unshare --uts sh -c 'hostname lab01-check; hostname')
	assert_equal "$inside" lab01-check
	[ "$(hostname)" = "$before" ] || fail "the host's hostname changed"
	assert_answer host_hostname_changed no
}
