#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 05 checker: builds the student's nswatch.ko with Kbuild, loads it,
# makes namespaces with unshare(1) and checks that /proc/nswatch counted
# exactly those, by type, with the right caller; then that it unloads
# cleanly and loads again.
# make lab-check N=05 (root, in the lab VM: the host cannot load modules).

load ../lib

KDIR=/lib/modules/$(uname -r)/build

setup_file() {
	B=$BATS_FILE_TMPDIR/build
	mkdir -p "$B"
	cp "$SUB/nswatch.c" "$LAB_DIR/Kbuild" "$B/" 2>/dev/null
	make -C "$KDIR" M="$B" modules >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		rm -f "$B/nswatch.ko"
}

setup() {
	require_lab_vm
	[ -d "$KDIR" ] || skip "no kernel headers for $(uname -r) (make deps installs them)"
	KO=$BATS_FILE_TMPDIR/build/nswatch.ko
	MARK="lab05-check-$BATS_TEST_NUMBER-$$"
	echo "$MARK" >/dev/kmsg
}

teardown() {
	grep -q '^nswatch ' /proc/modules && rmmod nswatch
	true
}

need_ko() {
	[ -f "$KO" ] || fail "nswatch.ko does not build: $(tail -n 20 "$BATS_FILE_TMPDIR/build.log")"
}

load_ko() {
	need_ko
	run insmod "$KO"
	[ "$status" -eq 0 ] || fail "insmod refused nswatch.ko: $output; dmesg: $(dmesg | sed -n "/$MARK/,\$p" | tail -n 3)"
}

# count NAME: the number on /proc/nswatch's "NAME N" line
count() {
	awk -v k="$1" '$1 == k && NF == 2 { print $2 }' /proc/nswatch
}

kmsg_since_mark() {
	dmesg | sed -n "/$MARK/,\$p"
}

@test "nswatch.ko builds with Kbuild against the running kernel" {
	need_ko
	run modinfo -F license "$KO"
	assert_output GPL
}

@test "insmod registers the kprobe and creates /proc/nswatch (TODO 1, 4)" {
	load_ko
	[ -r /proc/nswatch ] || fail "no /proc/nswatch after insmod"
	grep -q 'unshare_nsproxy_namespaces' /sys/kernel/debug/kprobes/list ||
		fail "no kprobe on unshare_nsproxy_namespaces (cat /sys/kernel/debug/kprobes/list)"
	run cat /proc/nswatch
	assert_line "calls 0"
	assert_line "uts 0"
}

@test "unshare --uts counts one call and one uts namespace, nothing else (TODO 2)" {
	load_ko
	unshare --uts true
	assert_equal "$(count calls)" 1
	assert_equal "$(count uts)" 1
	assert_equal "$(count net)" 0
	assert_equal "$(count mnt)" 0
}

@test "each namespace type is counted by its own flag (TODO 2)" {
	load_ko
	unshare --net --ipc true
	unshare --uts --net true
	unshare --pid --fork --mount true
	assert_equal "$(count calls)" 3
	assert_equal "$(count net)" 2
	assert_equal "$(count ipc)" 1
	assert_equal "$(count uts)" 1
	assert_equal "$(count pid)" 1
	assert_equal "$(count mnt)" 1
	assert_equal "$(count user)" 0
}

@test "the last caller is named: pid, comm and flags (TODO 3)" {
	load_ko
	sh -c 'echo $$ >"$0"; exec unshare --uts --ipc true' "$BATS_TEST_TMPDIR/pid"
	# CLONE_NEWUTS 0x04000000 | CLONE_NEWIPC 0x08000000
	assert_equal "$(grep '^last ' /proc/nswatch)" \
		"last pid $(cat "$BATS_TEST_TMPDIR/pid") comm unshare flags 0xc000000"
}

@test "rmmod removes the probe and /proc/nswatch; it loads again (TODO 5)" {
	load_ko
	rmmod nswatch
	[ ! -e /proc/nswatch ] || fail "/proc/nswatch is still there after rmmod"
	! grep -q 'unshare_nsproxy_namespaces' /sys/kernel/debug/kprobes/list ||
		fail "the kprobe is still registered after rmmod"
	unshare --uts true
	load_ko
	assert_equal "$(count calls)" 0
	rmmod nswatch
	run kmsg_since_mark
	refute_output --partial "BUG"
	refute_output --partial "WARNING"
	refute_output --partial "Oops"
}
