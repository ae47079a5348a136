#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The lab VM runner, driven from the host: boots, statuses, bad input.

load ../common
bats_require_minimum_version 1.5.0

@test "lab run: the command's exit status becomes ours" {
	run "$ISOLENS" lab run --timeout 120 -- sh -c 'exit 7'
	assert_failure 7
}

@test "lab run: the guest is the lab kernel, as root, in our directory" {
	run "$ISOLENS" lab run --timeout 120 -- sh -c 'echo "$(uname -r) $(id -u) $(hostname) $PWD"'
	assert_success
	release=$("$ISOLENS" lab info | awk '/^release/ {print $2}')
	assert_output "$release 0 isolens-lab $PWD"
}

@test "lab run: arguments survive quoting intact" {
	run "$ISOLENS" lab run --timeout 120 -- printf '<%s>' "a b" "it's" '$HOME' ''
	assert_success
	assert_output "<a b><it's><\$HOME><>"
}

@test "lab run: the work directory is writable from the guest" {
	f=$BATS_TEST_TMPDIR/from-guest
	run "$ISOLENS" lab run --timeout 120 --workdir "$BATS_TEST_TMPDIR" -- sh -c 'echo hello > from-guest'
	assert_success
	run cat "$f"
	assert_output hello
}

@test "lab run: a command missing in the guest exits 127 and says so" {
	run -127 "$ISOLENS" lab run --timeout 120 -- no-such-command-xyz
	assert_output --partial "isolens lab: command not found in the lab VM: no-such-command-xyz"
}

@test "lab run: a timeout stops the VM, exits 124 and leaves no qemu" {
	# the control directory, and so qemu's command line, is under TMPDIR
	TMPDIR=$BATS_TEST_TMPDIR run -124 "$ISOLENS" lab run --timeout 8 -- sleep 600
	assert_output --partial "did not finish within 8 s"
	run pgrep -f "qemu-system-x86_64.*$BATS_TEST_TMPDIR"
	assert_failure
	# and the control directory is gone
	run find "$BATS_TEST_TMPDIR" -name 'isolens-lab.*'
	assert_output ''
}

@test "lab run: a missing kernel is a one-line error, exit 125" {
	run "$ISOLENS" lab run --kernel /nonexistent/vmlinuz -- true
	assert_failure 125
	assert_output --partial "/nonexistent/vmlinuz"
	assert_equal "${#lines[@]}" 1
}

@test "lab run: a corrupt kernel image is refused, exit 125" {
	head -c 4096 /dev/urandom > "$BATS_TEST_TMPDIR/vmlinuz-bad"
	run "$ISOLENS" lab run --kernel "$BATS_TEST_TMPDIR/vmlinuz-bad" -- true
	assert_failure 125
	assert_output --partial "bzImage"
	assert_equal "${#lines[@]}" 1
}

@test "lab run: missing qemu is a clear error" {
	ISOLENS_QEMU=/nonexistent/qemu run "$ISOLENS" lab run -- true
	assert_failure 125
	assert_output --partial "ISOLENS_QEMU=/nonexistent/qemu"
}

@test "lab: bad options are usage errors, exit 2" {
	run "$ISOLENS" lab run --mem 12 -- true
	assert_failure 2
	assert_output --partial "bad --mem '12'"
	run "$ISOLENS" lab run --accel warp -- true
	assert_failure 2
	run "$ISOLENS" lab run
	assert_failure 2
	run "$ISOLENS" lab dance
	assert_failure 2
}

@test "lab info: names kernel, accelerator and boot path" {
	run "$ISOLENS" lab info
	assert_success
	assert_line --regexp '^kernel +/'
	assert_line --regexp '^accelerator +(KVM|TCG)'
	assert_line --regexp '^boot +/'
}

@test "lab run --cd: runs in a subdirectory; a missing one is one line, 125" {
	run "$ISOLENS" lab run --timeout 120 --cd tools -- pwd
	assert_success
	assert_output "$PWD/tools"
	run "$ISOLENS" lab run --timeout 120 --cd no-such-dir -- pwd
	assert_failure 125
	assert_output "isolens lab: guest: no directory no-such-dir in $PWD"
}

@test "lab run: needs no root on the host; the guest user is root" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	# bats' own temporary directories are root-only: make one nobody can use
	home=$(mktemp -d /tmp/isolens-nobody.XXXXXX)
	chmod 755 "$home" && chown 65534:65534 "$home"
	cd "$home"
	run setpriv --reuid 65534 --regid 65534 --clear-groups env HOME="$home" \
		"$ISOLENS" lab run --timeout 120 -- sh -c 'id -u; echo from-guest > f'
	assert_success
	assert_output 0
	# the cache went to the user's own directory
	ls "$home"/.cache/isolens/lab-initramfs-*.cpio
	assert_equal "$(cat "$home/f")" from-guest
	cd / && rm -rf "$home"
}
