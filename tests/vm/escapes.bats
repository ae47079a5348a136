#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Escape attempts inside the lab VM, where real devices, the module's
# /proc/isolens and cgroup-v2 limits exist.  Every attempt runs in one
# container per configuration (every defense on, --cap-add ALL, --seccomp
# unconfined, both: tests/escapes.bash); each test says which layer of the
# hardened runtime stops its attempt, and checks that against the matrix
# (docs/containers.md, "The escape suite").  The host-safe attempts also
# run on the host: tests/host/escapes.bats.

load ../common
load ../escapes
bats_require_minimum_version 1.5.0

KO=$TOP/module/isolens.ko

setup_file() {
	[ "$(id -u)" -eq 0 ] && [ -x "$ESCAPE" ] || return 0
	escape_prepare
	cp "$TOP/tests/helpers/container_stress" "$RF/bin/"
	# a block device (brd: /dev/ram0 is 1:0), and its node shipped in
	# the image, where a hostile image would put it
	if [ ! -b /dev/ram0 ] && modprobe brd rd_nr=1 rd_size=1024; then
		BRD_LOADED=1
	fi
	mknod "$RF/ram0" b 1 0
	# /proc/isolens exists while the module is loaded
	if [ -f "$KO" ] && ! grep -q '^isolens ' /proc/modules &&
		insmod "$KO"; then
		KO_LOADED=1
	fi
	exec 7</
	escape_matrix "$ESCAPE_DIR" "$RF" \
		"fd fd 7" "mknod-chr mknod-chr 1:1" "mknod-null mknod-chr 1:3" \
		"mknod-blk mknod-blk 1:0" "open-blk open-blk /ram0" \
		"ctty ctty" "tiocsti tiocsti" "userns userns" \
		"sysrq sysrq" "procsys procsys" "sysfs sysfs" "kcore kcore" \
		"proc-isolens proc-isolens" "cgroup-move cgroup-move" \
		"mount-proc mount-proc" "module module" \
		"open_by_handle_at open_by_handle_at $ESCAPE_HANDLE" \
		"io_uring io_uring" "userfaultfd userfaultfd" \
		"ptrace ptrace $HOST_PID" "kill kill $HOST_PID"
	exec 7<&-
	export BRD_LOADED KO_LOADED
}

teardown_file() {
	[ -n "${KO_LOADED:-}" ] && rmmod isolens
	[ -n "${BRD_LOADED:-}" ] && rmmod brd
	escape_cleanup
}

setup() {
	escape_require
}

crun_() { "$ISOLENS" container run --rootfs "$RF" "$@"; }

# start_ct NAME [OPTION]...: a container running sleep in the background;
# CT_STATE is its state file, once it is up
start_ct() {
	local name=$1 i
	shift
	CT_STATE=/run/isolens/containers/$name.json
	crun_ --name "$name" "$@" -- sleep 120 >/dev/null 2>&1 3>&- &
	for i in $(seq 300); do
		[ "$(jq -r .pid "$CT_STATE" 2>/dev/null || echo 0)" -gt 0 ] && return 0
		sleep 0.1
	done
	fail "container $name did not start"
}

stop_ct() {
	"$ISOLENS" container kill "$1" || true
	wait || true
}

@test "all four containers ran every attempt" {
	assert_escape_matrix_complete
}

@test "an inherited fd to the host's /: stopped by fd hygiene (EBADF)" {
	assert_escape_stopped fd "fd hygiene" EBADF
}

@test "--preserve-fds 1 keeps fd 3 and only fd 3" {
	run --separate-stderr bash -c 'exec 3</ 7</; exec "$@"' _ "$ISOLENS" container run \
		--rootfs "$RF" --preserve-fds 1 -- sh -c 'escape fd 3; escape fd 7'
	assert_success
	assert_line --index 0 "fd OK"
	assert_line --index 1 "fd EBADF"
}

@test "mknod of /dev/mem (1:1): stopped by the device policy (EPERM)" {
	assert_escape_stopped mknod-chr "device policy" EPERM
	# the same mknod of an allowed device gets past mknod: the policy,
	# not the capability, refused 1:1; its open then meets nodev (EACCES)
	for cfg in $ESCAPE_CONFIGS; do
		[ "$(escape_result mknod-null $cfg)" = EACCES ] ||
			fail "mknod of /dev/null (1:3) not refused at open by nodev: $(escape_row mknod-null)"
		grep -q "^escape: mknod-chr: open:" "$ESCAPE_DIR/$cfg.err" ||
			fail "$cfg: mknod of 1:3 did not reach open: $(escape_explain mknod-null)"
	done
}

@test "mknod of a block device: stopped by the device policy (EPERM)" {
	[ -b /dev/ram0 ] || fail "no /dev/ram0: modprobe brd failed"
	assert_escape_stopped mknod-blk "device policy" EPERM
}

@test "opening a block device node shipped in the rootfs: stopped by nodev (EACCES)" {
	# (the device policy stands behind it: tests/vm/container.bats opens
	# the real /dev/ram0 with --share mnt and gets EPERM)
	[ -b /dev/ram0 ] || fail "no /dev/ram0: modprobe brd failed"
	assert_escape_stopped open-blk nodev EACCES
}

@test "the caller's terminal as controlling terminal: stopped by the session (ENXIO)" {
	assert_escape_stopped ctty session ENXIO
}

@test "TIOCSTI into the caller's terminal: stopped by capability and seccomp (EPERM)" {
	# without a controlling terminal TIOCSTI on stdin needs CAP_SYS_ADMIN
	assert_escape_stopped tiocsti capability+seccomp EPERM
}

@test "unshare(CLONE_NEWUSER): stopped by seccomp (EPERM)" {
	assert_escape_stopped userns seccomp EPERM
}

@test "/proc/sysrq-trigger for writing: stopped by the read-only bind (EROFS)" {
	assert_escape_stopped sysrq masking EROFS
}

@test "writing /proc/sys: stopped by the read-only bind (EROFS)" {
	assert_escape_stopped procsys masking EROFS
}

@test "writing /sys/kernel/mm/ksm/run: stopped by the read-only sysfs (EROFS)" {
	assert_escape_stopped sysfs masking EROFS
}

@test "reading /proc/kcore: masked with /dev/null (EMPTY)" {
	assert_escape_stopped kcore masking EMPTY
}

@test "listing /proc/isolens: masked, empty (EMPTY)" {
	[ -f "$KO" ] || skip "$KO is not built (no kernel headers: make deps)"
	[ -d /proc/isolens ] || fail "the module is not loaded: no /proc/isolens"
	assert_escape_stopped proc-isolens masking EMPTY
}

@test "moving out of the container's cgroup: stopped by the cgroup namespace (ENOENT)" {
	assert_escape_stopped cgroup-move namespace ENOENT
}

@test "a fresh procfs without the masks: stopped by capability and seccomp (EPERM)" {
	assert_escape_stopped mount-proc capability+seccomp EPERM
}

@test "loading a module: stopped by capability and seccomp (EPERM)" {
	# with both lifted the loader itself refuses the payload: ENOEXEC
	assert_escape_stopped module capability+seccomp EPERM ENOEXEC
	assert_equal "$(escape_result module both)" ENOEXEC
}

@test "open_by_handle_at of a host directory (shocker): stopped by capability and seccomp (EPERM)" {
	[ "$ESCAPE_HANDLE" != none ] ||
		fail "no file handle for $ESCAPE_DIR/outside"
	assert_escape_stopped open_by_handle_at capability+seccomp EPERM
}

@test "io_uring_setup: stopped by seccomp (EPERM)" {
	assert_escape_stopped io_uring seccomp EPERM
}

@test "userfaultfd: stopped by capability and seccomp (EPERM)" {
	assert_escape_stopped userfaultfd capability+seccomp EPERM
}

@test "PTRACE_SEIZE of a host pid: stopped by the pid namespace (ESRCH)" {
	assert_escape_stopped ptrace namespace ESRCH
}

@test "kill -0 of a host pid: stopped by the pid namespace (ESRCH)" {
	assert_escape_stopped kill namespace ESRCH
	kill -0 "$HOST_PID"
}

@test "a process that container exec starts is in the container's cgroup" {
	start_ct esc-exec
	cg=$(jq -r .cgroup "$CT_STATE")
	pid1=$(jq -r .pid "$CT_STATE")
	"$ISOLENS" container exec esc-exec -- sleep 100 3>&- &
	for i in $(seq 300); do [ "$(wc -l <"$cg/cgroup.procs")" -ge 2 ] && break; sleep 0.1; done
	other=$(grep -vx "$pid1" "$cg/cgroup.procs" | head -n 1)
	[ -n "$other" ] || fail "no exec'd process in $cg/cgroup.procs"
	assert_equal "$(cat /proc/$other/cgroup)" "0::/isolens/esc-exec"
	stop_ct esc-exec
}

@test "a fork bomb is stopped at --pids (EAGAIN), also from container exec" {
	run --separate-stderr crun_ --pids 4 -- container_stress forks
	assert_success
	assert_output "forked 3, then EAGAIN"
	start_ct esc-bomb --pids 4
	# pid 1 and the exec'd process itself are two of the four
	run "$ISOLENS" container exec esc-bomb -- container_stress forks
	assert_success
	assert_output "forked 2, then EAGAIN"
	max=$(awk '$1 == "max" { print $2 }' "$(jq -r .cgroup "$CT_STATE")/pids.events")
	stop_ct esc-bomb
	[ "$max" -ge 1 ] || fail "pids.events max=$max"
}

@test "an allocation beyond --memory is OOM-killed, also from container exec" {
	run -137 crun_ --memory 32M -- container_stress alloc 200
	refute_output --partial touched
	start_ct esc-oom --memory 32M
	pid1=$(jq -r .pid "$CT_STATE")
	run -137 "$ISOLENS" container exec esc-oom -- container_stress alloc 200
	refute_output --partial touched
	kills=$(awk '$1 == "oom_kill" { print $2 }' "$(jq -r .cgroup "$CT_STATE")/memory.events")
	# the biggest task in the cgroup died, not the container
	run kill -0 "$pid1"
	stop_ct esc-oom
	assert_success
	[ "$kills" -ge 1 ] || fail "memory.events oom_kill=$kills"
}

@test "container exec at the pids limit fails with one line, and runs nothing outside" {
	start_ct esc-full --pids 1
	run --separate-stderr "$ISOLENS" container exec esc-full -- cat /proc/self/cgroup
	stop_ct esc-full
	assert_failure 125
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == *pids* ]] || fail "the error does not name the pids limit: $stderr"
}

@test "the runtime's supplementary groups are cleared, in run and in exec" {
	run setpriv --groups 4,6,27 "$ISOLENS" container run --rootfs "$RF" -- \
		awk '/^Groups:/ { print NF - 1 }' /proc/self/status
	assert_success
	assert_output 0
	start_ct esc-groups
	run setpriv --groups 4,6,27 "$ISOLENS" container exec esc-groups -- \
		awk '/^Groups:/ { print NF - 1 }' /proc/self/status
	stop_ct esc-groups
	assert_success
	assert_output 0
}
