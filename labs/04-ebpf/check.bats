#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 04 checker: builds the student's BPF program and loader, loads it,
# execs a command in a cgroup it creates and checks that the record names
# that process with that cgroup's id, and that the filter keeps out the rest.
# make lab-check N=04 (root, in the lab VM: pure cgroup v2).

load ../lib

setup_file() {
	B=$BATS_FILE_TMPDIR/build
	make -s -C "$LAB_DIR" SRC="$SUB" OUT="$B" >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		rm -f "$B/cgexec"
}

setup() {
	require_lab_vm
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
		skip "/sys/fs/cgroup is not pure cgroup v2: run this in the lab VM"
	BIN=$BATS_FILE_TMPDIR/build/cgexec
	OUT=$BATS_TEST_TMPDIR/out
	ERR=$BATS_TEST_TMPDIR/err
	CG=/sys/fs/cgroup/lab04-check-$$-$BATS_TEST_NUMBER
	BG=
}

teardown() {
	[ -z "$BG" ] || { kill "$BG" 2>/dev/null; wait "$BG" 2>/dev/null; } || true
	[ -d "$CG" ] && wait_for "rmdir $CG"
	true
}

need_bin() {
	[ -x "$BIN" ] || fail "cgexec does not build: $(cat "$BATS_FILE_TMPDIR/build.log")"
}

# start [CGROUP_DIR]: cgexec in the background, until it says "ready"
start() {
	"$BIN" "$@" >"$OUT" 2>"$ERR" &
	BG=$!
	wait_for "grep -q ready $ERR || ! kill -0 $BG"
	grep -q ready "$ERR" || fail "cgexec did not start: $(cat "$ERR")"
}

# finish: stop cgexec; it prints what the ring buffer still holds, and
# every exec the checker waited for was submitted before it returned
finish() {
	kill -TERM "$BG"
	wait "$BG" || fail "cgexec failed: $(cat "$ERR")"
	BG=
}

# in_cgroup CMD...: exec CMD from a shell moved into $CG; prints its pid
in_cgroup() {
	sh -c 'echo $$; echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"
}

@test "cgexec builds (clang -target bpf, bpftool gen skeleton, libbpf)" {
	need_bin
}

@test "an exec in a new cgroup is reported with that cgroup's id (TODO 1, 4)" {
	need_bin
	mkdir "$CG"
	start
	pid=$(in_cgroup /bin/true)
	id=$(stat -c %i "$CG")
	finish
	# the shell's own exec came first, from the checker's cgroup
	assert_equal "$(awk -v p="$pid" '$1 == p { print $2, $3 }' "$OUT" | tail -n 1)" "$id true"
}

@test "every exec is reported, each with its own cgroup's id" {
	need_bin
	start
	/bin/echo hello >/dev/null &
	pid=$!
	wait "$pid"
	id=$(stat -c %i "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/$$/cgroup)")
	finish
	assert_equal "$(awk -v p="$pid" '$1 == p { print $2, $3 }' "$OUT")" "$id echo"
}

@test "cgexec CGROUP_DIR reports that cgroup only (TODO 2, 3)" {
	need_bin
	mkdir "$CG"
	start "$CG"
	/bin/sleep 0
	pid=$(in_cgroup /bin/true)
	/bin/sleep 0
	finish
	assert_equal "$(cat "$OUT")" "$pid $(stat -c %i "$CG") true"
}

@test "cgexec refuses what is not a cgroup v2 directory" {
	need_bin
	run "$BIN" /tmp
	assert_failure 2
}
