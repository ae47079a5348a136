#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The CLI's contract: usage errors are one line and exit 2.

load ../common

@test "no arguments prints usage and exits 2" {
	run "$ISOLENS"
	assert_failure 2
	assert_output --partial "usage: isolens"
}

@test "an unknown command is a one-line error, exit 2" {
	run "$ISOLENS" frobnicate
	assert_failure 2
	assert_output "isolens: unknown command 'frobnicate' (try 'isolens --help')"
}

@test "--help lists the lab command and exits 0" {
	run "$ISOLENS" --help
	assert_success
	assert_output --partial "lab "
}

@test "version names the event ABI from the shared uapi header" {
	run "$ISOLENS" version
	assert_success
	abi=$(awk '/#define ISOLENS_ABI_VERSION/ {print $3}' "$TOP/module/include/uapi/linux/isolens.h")
	assert_output --regexp "^isolens [0-9.]+ \(event ABI $abi\)$"
}
