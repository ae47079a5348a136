#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 02 checker: runs the student's limit.sh under isolens trace, checks the
# cgroup it made, that pids.max refused forks and memory.max OOM-killed, and
# compares answers.txt with the events the trace saw.
# make lab-check N=02 (root, in the lab VM: pure cgroup v2).

load ../lib

bats_require_minimum_version 1.5.0

setup() {
	require_lab_vm
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
		skip "/sys/fs/cgroup is not pure cgroup v2: run this in the lab VM"
	LIMIT=$SUB/limit.sh
	NAME=lab02-check-$$-$BATS_TEST_NUMBER
	CG=/sys/fs/cgroup/$NAME
}

teardown() {
	# exited tasks leave a cgroup asynchronously
	[ -d "$CG" ] && wait_for "rmdir $CG"
	true
}

# kinds FILE: the event kinds of an isolens trace --json output
kinds() {
	jq -r 'select(.kind) | .kind' "$1" | sort -u
}

@test "limit.sh puts the command in its own cgroup with the limits" {
	run sh "$LIMIT" "$NAME" 5 64M -- cat /proc/self/cgroup
	assert_success
	assert_output "0::/$NAME"
	assert_equal "$(cat "$CG/pids.max")" 5
	assert_equal "$(cat "$CG/memory.max")" 67108864
	assert_equal "$(cat "$CG/memory.swap.max")" 0
}

@test "limit.sh passes the command's exit status through" {
	run sh "$LIMIT" "$NAME" 5 64M -- sh -c 'exit 7'
	assert_failure 7
}

@test "pids.max refuses forks; Q1-Q4 against the trace" {
	require_answered move_event pids_event pids_errno pids_function
	out=$BATS_TEST_TMPDIR/trace.json
	"$ISOLENS" trace --events cgroup,proc --json -- \
		sh "$LIMIT" "$NAME" 4 64M -- sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait' \
		>"$out" 2>"$BATS_TEST_TMPDIR/err" || true
	[ -f "$CG/pids.events" ] || fail "limit.sh made no cgroup $CG"
	max=$(awk '$1 == "max" { print $2 }' "$CG/pids.events")
	[ "${max:-0}" -ge 1 ] || fail "pids.events shows no refused fork: $(cat "$CG/pids.events")"
	kinds "$out" >"$BATS_TEST_TMPDIR/kinds"
	grep -qx cgroup_attach "$BATS_TEST_TMPDIR/kinds" || fail "the trace saw no cgroup_attach"
	assert_answer move_event cgroup_attach
	if grep -qx pids_limit "$BATS_TEST_TMPDIR/kinds"; then
		assert_answer pids_event pids_limit
	else
		fail "the trace saw no pids_limit event (needs fentry: the lab VM has it)"
	fi
	assert_answer pids_errno eagain
	assert_answer pids_function pids_can_fork
}

@test "memory.max OOM-kills; Q5-Q7 against the trace and memory.events" {
	require_answered oom_status oom_event memory_events_field
	out=$BATS_TEST_TMPDIR/trace.json
	status_oom=0
	"$ISOLENS" trace --events cgroup,proc --json -- \
		sh "$LIMIT" "$NAME" 64 32M -- python3 -c 'a = b"x" * (200 << 20)' \
		>"$out" 2>"$BATS_TEST_TMPDIR/err" || status_oom=$?
	[ -f "$CG/memory.events" ] || fail "limit.sh made no cgroup $CG"
	kills=$(awk '$1 == "oom_kill" { print $2 }' "$CG/memory.events")
	[ "${kills:-0}" -ge 1 ] || fail "memory.events shows no OOM kill: $(cat "$CG/memory.events")"
	assert_answer oom_status "$status_oom"
	kinds "$out" | grep -qx oom_kill || fail "the trace saw no oom_kill event"
	assert_answer oom_event oom_kill
	assert_answer memory_events_field oom_kill
}
