#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 06 checker: builds the student's minivmm, runs the built-in guest and
# guests of its own (a different message, hostile port I/O, a triple
# fault) and checks the output and the exit status of each.
# make lab-check N=06 (in the lab VM: /dev/kvm is nested SVM there).

bats_require_minimum_version 1.5.0
load ../lib

# The built-in guest's code with another message: the output must follow
# the guest, not be printed by the VMM.
HI_GUEST='\xba\xf8\x03\xbe\x14\x10\xac\x84\xc0\x74\x03\xee\xeb\xf8\xc6\x06\x00\x90\x2a\xf4Hi, VMM!\n\0'
# in al, 0x60; hlt: a port the VMM does not emulate
IN_GUEST='\xe4\x60\xf4'
# mov dx, 0x3f8; mov ax, 0x4141; out dx, ax; hlt: 2 bytes at once
WIDE_GUEST='\xba\xf8\x03\xb8\x41\x41\xef\xf4'
# lidt [0x1010] (limit 0); int3: no way to deliver it, a triple fault
SHUTDOWN_GUEST='\x0f\x01\x1e\x10\x10\xcc\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'

setup_file() {
	cc -std=gnu11 -O2 -Wall -Wextra -o "$BATS_FILE_TMPDIR/minivmm" \
		"$SUB/minivmm.c" >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		rm -f "$BATS_FILE_TMPDIR/minivmm"
}

setup() {
	[ -c /dev/kvm ] || skip "no /dev/kvm here: run it in the lab VM (make lab-check N=06)"
	VMM=$BATS_FILE_TMPDIR/minivmm
	[ -x "$VMM" ] || fail "minivmm does not build: $(cat "$BATS_FILE_TMPDIR/build.log")"
}

guest() { # guest BYTES: a guest file made from printf escapes
	printf "$1" >"$BATS_TEST_TMPDIR/guest"
	echo "$BATS_TEST_TMPDIR/guest"
}

@test "the built-in guest prints its line, makes one MMIO write and halts (TODO 1-5)" {
	run --separate-stderr "$VMM"
	[ "$status" -eq 0 ] || fail "status $status; stderr: $stderr"
	assert_output "Hello from the guest
mmio write 0x9000 size 1 data 0x2a
exits: io=21 mmio=1 hlt=1"
}

@test "the output is the guest's: another message, another count (TODO 5)" {
	run --separate-stderr "$VMM" "$(guest "$HI_GUEST")"
	assert_success
	assert_output "Hi, VMM!
mmio write 0x9000 size 1 data 0x2a
exits: io=9 mmio=1 hlt=1"
}

@test "an IN from a port nobody emulates is refused: one line, status 1 (TODO 5)" {
	run --separate-stderr "$VMM" "$(guest "$IN_GUEST")"
	assert_failure 1
	[[ "$stderr" == *"in"*"0x60"* ]] || fail "stderr should name the IN and the port: $stderr"
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
}

@test "a 2-byte OUT to the serial port is refused, not half-printed (TODO 5)" {
	run --separate-stderr "$VMM" "$(guest "$WIDE_GUEST")"
	assert_failure 1
	[[ "$output" != *A* ]] || fail "the VMM printed the guest's bytes: $output"
	[[ "$stderr" == *"size 2"* ]] || fail "stderr should name the size: $stderr"
}

@test "a guest that triple-faults stops the VMM with status 1, not a hang (TODO 5)" {
	run --separate-stderr timeout 20 "$VMM" "$(guest "$SHUTDOWN_GUEST")"
	assert_failure 1
	[[ "$stderr" == *"exit reason"* ]] || fail "stderr should name the exit reason: $stderr"
}
