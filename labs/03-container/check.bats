#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 03 checker: builds the student's minictr.c, runs it on a busybox
# rootfs and checks, from inside and from the host, that the user namespace
# maps root to 100000, that the namespaces are new and that pivot_root
# really replaced the root.
# make lab-check N=03 (root, in the lab VM).

load ../lib

bats_require_minimum_version 1.5.0

setup_file() {
	T=$BATS_FILE_TMPDIR
	cc -std=gnu11 -Wall -Wextra -Werror -o "$T/minictr" "$SUB/minictr.c" \
		>"$T/build.log" 2>&1 || rm -f "$T/minictr"

	# a busybox rootfs, writable /tmp, and a marker only it has; outside
	# bats' private (0700) directory so that uid 100000 can reach it
	R=$(mktemp -d /tmp/lab03-rootfs.XXXXXX)
	chmod 755 "$R"
	echo "$R" >"$T/rootfs"
	mkdir -p "$R/bin" "$R/proc" "$R/tmp"
	chmod 1777 "$R/tmp"
	cp /bin/busybox "$R/bin/busybox"
	for a in sh id hostname cat sleep touch ls readlink; do
		ln -s busybox "$R/bin/$a"
	done
	echo "marker-$$-$RANDOM" >"$R/MARKER"
}

teardown_file() {
	rm -rf "$(cat "$BATS_FILE_TMPDIR/rootfs")"
}

setup() {
	require_lab_vm
	T=$BATS_FILE_TMPDIR
	R=$(cat "$T/rootfs")
	BIN=$T/minictr
	BG=
}

teardown() {
	[ -z "$BG" ] || { kill "$BG" 2>/dev/null; wait "$BG" 2>/dev/null; } || true
}

need_bin() {
	[ -x "$BIN" ] || fail "minictr.c does not build: $(cat "$T/build.log")"
}

# idmap FILE: a uid_map/gid_map with its blanks squeezed
idmap() {
	tr -s ' \t' ' ' <"$1" | sed 's/^ //; s/ $//'
}

@test "minictr.c builds without warnings" {
	need_bin
}

@test "inside: root, own hostname, pid 1, the rootfs is /" {
	need_bin
	run "$BIN" "$R" /bin/sh -c 'id -u; id -g; hostname; echo $$; cat /MARKER'
	assert_success
	assert_output "$(printf '0\n0\nminictr\n1\n%s' "$(cat "$R/MARKER")")"
}

@test "inside: uid_map and gid_map map 0 to 100000 (TODO 1, 2)" {
	need_bin
	run "$BIN" "$R" /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
	assert_success
	assert_equal "$(printf '%s\n' "$output" | tr -s ' \t' ' ' | sed 's/^ //; s/ $//')" \
		"$(printf '0 100000 65536\n0 100000 65536')"
}

@test "host: a file root creates inside belongs to uid 100000" {
	need_bin
	rm -f "$R/tmp/owned"
	run "$BIN" "$R" /bin/touch /tmp/owned
	assert_success
	assert_equal "$(stat -c %u:%g "$R/tmp/owned")" 100000:100000
}

@test "host: new namespaces, the maps, and a root that is not the host's" {
	need_bin
	"$BIN" "$R" /bin/sleep 60 &
	BG=$!
	wait_for "pgrep -P $BG >/dev/null || ! kill -0 $BG"
	C=$(pgrep -P "$BG") || fail "minictr exited: no container process"
	wait_for "grep -q '^Uid:.*100000' /proc/$C/status"
	for k in user mnt uts ipc pid; do
		[ "$(ns_ino "$C" $k)" != "$(ns_ino $$ $k)" ] ||
			fail "the container shares the host's $k namespace"
	done
	assert_equal "$(idmap /proc/$C/uid_map)" "0 100000 65536"
	assert_equal "$(idmap /proc/$C/gid_map)" "0 100000 65536"
	# chroot would leave the host's tree as the namespace's root and show
	# the rootfs's host path; after pivot_root and the detach, the root is
	# the namespace's own top mount (TODO 3-5)
	assert_equal "$(readlink /proc/$C/root)" /
	[ "$(stat -L -c %i /proc/$C/root/MARKER)" = "$(stat -c %i "$R/MARKER")" ] ||
		fail "the container's / is not the rootfs"
}

@test "inside: the old root is gone from the mount namespace (TODO 5)" {
	need_bin
	run "$BIN" "$R" /bin/cat /proc/self/mountinfo
	assert_success
	# the rootfs and /proc, nothing of the host's tree
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 2
	refute_output --partial ' - 9p '
}

@test "the host's mounts did not change (TODO 3)" {
	need_bin
	before=$(wc -l </proc/self/mountinfo)
	"$BIN" "$R" /bin/sh -c 'exit 0'
	assert_equal "$(wc -l </proc/self/mountinfo)" "$before"
}

@test "the command's exit status is minictr's" {
	need_bin
	run "$BIN" "$R" /bin/sh -c 'exit 3'
	assert_failure 3
}
