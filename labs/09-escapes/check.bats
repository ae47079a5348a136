#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 09 checker: runs the student's escapes.sh once, measures the same
# attempts itself (its own container runs, not the student's), and checks
# the matrix, that nothing reached the host, and the answers against what
# it measured.  make lab-check N=09 (root, in the lab VM: cgroup v2).

bats_require_minimum_version 1.5.0
load ../lib

# The attempts, as the checker makes them: NAME and the shell script.
ATTEMPTS=(
	"module|insmod /bin/busybox"
	"mount|mount -t tmpfs none /tmp"
	"hostname|hostname escaped"
	"kill|kill -0 @HOST_PID@"
)

outcome() {
	local out
	if out=$("$@" 2>&1); then
		echo ok
		return
	fi
	case $out in
	*"Operation not permitted"* | *"ermission denied"*) echo EPERM ;;
	*"No such process"*) echo ESRCH ;;
	*) echo fail ;;
	esac
}

setup_file() {
	export RUN_DIR=$BATS_FILE_TMPDIR
	[ "$(id -u)" -eq 0 ] || return 0
	hostname >"$RUN_DIR/hostname.before"
	timeout 600 sh "$SUB/escapes.sh" >"$RUN_DIR/out" 2>"$RUN_DIR/err"
	echo $? >"$RUN_DIR/status"
	hostname >"$RUN_DIR/hostname.after"

	# the checker's own measurement, against a host process of its own
	sleep 600 &
	local host_pid=$! a name script flags
	: >"$RUN_DIR/want"
	for a in "${ATTEMPTS[@]}"; do
		name=${a%%|*}
		script=${a#*|}
		script=${script//@HOST_PID@/$host_pid}
		printf '%s' "$name" >>"$RUN_DIR/want"
		for flags in default:"" caps:"--cap-add ALL" \
			seccomp:"--seccomp unconfined" \
			both:"--cap-add ALL --seccomp unconfined"; do
			# shellcheck disable=SC2086
			printf ' %s=%s' "${flags%%:*}" \
				"$(outcome "$ISOLENS" container run ${flags#*:} -- sh -c "$script")" \
				>>"$RUN_DIR/want"
		done
		echo >>"$RUN_DIR/want"
	done
	kill -0 "$host_pid" && echo alive >"$RUN_DIR/host_pid"
	kill "$host_pid"
	hostname >"$RUN_DIR/hostname.end"
}

setup() {
	require_lab_vm
}

line() { # line NAME [FILE]: the attempt's line
	grep "^$1 " "${2:-$RUN_DIR/out}"
}

# through R: did the call get past the defenses?  EPERM and ESRCH are the
# defenses answering; ok, or any other error (the kernel refusing the
# payload itself), means the call reached its target.
through() {
	case $1 in EPERM | ESRCH) return 1 ;; *) return 0 ;; esac
}

# result NAME KEY: one result of the checker's own matrix
result() {
	line "$1" "$RUN_DIR/want" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# the verdict on one attempt, from the checker's own matrix
stopped_by() {
	if ! through "$(result "$1" both)"; then
		echo namespace
	elif through "$(result "$1" caps)"; then
		echo caps
	elif through "$(result "$1" seccomp)"; then
		echo seccomp
	else
		echo both
	fi
}

@test "escapes.sh: one line per attempt, in the documented form (TODO 1)" {
	assert_equal "$(cat "$RUN_DIR/status")" 0
	run cut -d' ' -f1 "$RUN_DIR/out"
	assert_output "$(printf 'module\nmount\nhostname\nkill')"
	run grep -Evc '^[a-z]+ default=(ok|EPERM|ESRCH|fail) caps=(ok|EPERM|ESRCH|fail) seccomp=(ok|EPERM|ESRCH|fail) both=(ok|EPERM|ESRCH|fail)$' "$RUN_DIR/out"
	assert_output 0
}

@test "module: the results are the ones this kernel gives (TODO 2)" {
	assert_equal "$(line module)" "$(line module "$RUN_DIR/want")"
}

@test "mount: the results are the ones this kernel gives (TODO 3)" {
	assert_equal "$(line mount)" "$(line mount "$RUN_DIR/want")"
}

@test "hostname: the results are the ones this kernel gives (TODO 4)" {
	assert_equal "$(line hostname)" "$(line hostname "$RUN_DIR/want")"
}

@test "kill: the results are the ones this kernel gives (TODO 5)" {
	assert_equal "$(line kill)" "$(line kill "$RUN_DIR/want")"
}

@test "with every defense on nothing got out, and the host never changed" {
	# every attempt was stopped by a defense (EPERM, ESRCH), not by
	# chance (a missing command would be "fail")
	run grep -Ec 'default=(ok|fail)' "$RUN_DIR/want"
	assert_output 0
	assert_equal "$(cat "$RUN_DIR/host_pid")" alive
	assert_equal "$(cat "$RUN_DIR/hostname.after")" "$(cat "$RUN_DIR/hostname.before")"
	assert_equal "$(cat "$RUN_DIR/hostname.end")" "$(cat "$RUN_DIR/hostname.before")"
}

@test "answers: which defense stopped each attempt, from the measurements" {
	local a
	require_answered module mount hostname kill host_hostname_changed
	for a in module mount hostname kill; do
		assert_answer "$a" "$(stopped_by "$a")"
	done
	assert_answer host_hostname_changed no
}
