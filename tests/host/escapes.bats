#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Escape attempts that are safe and meaningful on the host kernel: an
# inherited fd, the terminal, a new user namespace, host processes, the
# cgroup tree, the read-only and masked paths, and syscalls outside the
# seccomp profile.  Devices, the module and the cgroup limits need the lab
# VM: tests/vm/escapes.bats.  The expected layers are those of the
# hardened runtime (docs/containers.md, "The escape suite").

load ../common
load ../escapes

setup_file() {
	[ "$(id -u)" -eq 0 ] && [ -x "$ESCAPE" ] || return 0
	escape_prepare
	exec 7</
	escape_matrix "$ESCAPE_DIR" "$RF" \
		"fd fd 7" "ctty ctty" "tiocsti tiocsti" "userns userns" \
		"kill kill $HOST_PID" "ptrace ptrace $HOST_PID" \
		"cgroup-move cgroup-move" "proc-isolens proc-isolens" \
		"sysrq sysrq" "procsys procsys" "sysfs sysfs" "kcore kcore" \
		"mount-proc mount-proc" "io_uring io_uring" \
		"userfaultfd userfaultfd" \
		"open_by_handle_at open_by_handle_at $ESCAPE_HANDLE"
	exec 7<&-
}

teardown_file() {
	escape_cleanup
}

setup() {
	escape_require
}

@test "host: all four containers ran every attempt" {
	assert_escape_matrix_complete
}

@test "host: an inherited fd to the host's /: stopped by fd hygiene (EBADF)" {
	assert_escape_stopped fd "fd hygiene" EBADF
}

@test "host: the caller's terminal as controlling terminal: stopped by the session (ENXIO)" {
	assert_escape_stopped ctty session ENXIO
}

@test "host: TIOCSTI into the terminal: stopped by capability and seccomp (EPERM)" {
	# legacy_tiocsti=0 answers EIO without CAP_SYS_ADMIN: a kernel check
	# that counts as stopped too
	assert_escape_stopped tiocsti capability+seccomp EPERM
}

@test "host: unshare(CLONE_NEWUSER): stopped by seccomp (EPERM)" {
	assert_escape_stopped userns seccomp EPERM
}

@test "host: kill -0 of a host pid: stopped by the pid namespace (ESRCH)" {
	assert_escape_stopped kill namespace ESRCH
	kill -0 "$HOST_PID"
}

@test "host: PTRACE_SEIZE of a host pid: stopped by the pid namespace (ESRCH)" {
	assert_escape_stopped ptrace namespace ESRCH
}

@test "host: moving out of the container's cgroup: stopped by the cgroup namespace (ENOENT)" {
	assert_escape_stopped cgroup-move namespace ENOENT
}

@test "host: /proc/isolens: masked, empty (EMPTY)" {
	[ -e /proc/isolens ] ||
		skip "no /proc/isolens: this kernel cannot load the module (tests/vm/escapes.bats checks the mask)"
	assert_escape_stopped proc-isolens masking EMPTY
}

@test "host: /proc/sysrq-trigger for writing: stopped by the read-only bind (EROFS)" {
	[ -e /proc/sysrq-trigger ] || skip "no /proc/sysrq-trigger on this kernel (CONFIG_MAGIC_SYSRQ off)"
	assert_escape_stopped sysrq masking EROFS
}

@test "host: writing /proc/sys: stopped by the read-only bind (EROFS)" {
	assert_escape_stopped procsys masking EROFS
}

@test "host: writing /sys/kernel/mm/ksm/run: stopped by the read-only sysfs (EROFS)" {
	assert_escape_stopped sysfs masking EROFS
}

@test "host: reading /proc/kcore: masked with /dev/null (EMPTY)" {
	[ -e /proc/kcore ] || skip "no /proc/kcore on this kernel (CONFIG_PROC_KCORE off)"
	assert_escape_stopped kcore masking EMPTY
}

@test "host: a fresh procfs without the masks: stopped by capability and seccomp (EPERM)" {
	assert_escape_stopped mount-proc capability+seccomp EPERM
}

@test "host: io_uring_setup: stopped by seccomp (EPERM)" {
	assert_escape_stopped io_uring seccomp EPERM
}

@test "host: userfaultfd: stopped by capability and seccomp (EPERM)" {
	assert_escape_stopped userfaultfd capability+seccomp EPERM
}

@test "host: open_by_handle_at of a host directory (shocker): stopped by capability and seccomp (EPERM)" {
	[ "$ESCAPE_HANDLE" != none ] ||
		skip "the filesystem of $ESCAPE_DIR gives no file handles"
	assert_escape_stopped open_by_handle_at capability+seccomp EPERM
}
