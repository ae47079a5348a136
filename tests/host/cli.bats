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

# long_options FILE: every long option a cmd_*.c accepts, from its getopt
# tables and the flags it compares by hand
long_options() {
	{
		grep -oE '\{ "[a-z][a-z0-9-]*", (no|required|optional)_argument' "$1" |
			cut -d'"' -f2
		grep -oE '"--[a-z][a-z0-9-]*"' "$1" | tr -d '"' | cut -c3-
	} | sort -u | grep -vx help
}

# man_section CMD: that command's .SS section of the man page, as text
man_section() {
	awk -v c="$1" '/^\.SS /{ on = ($2 == c) } /^\.SH /{ on = 0 } on' \
		"$TOP/docs/isolens.1" | sed 's/\\-/-/g; s/\\f[BIRP]//g'
}

@test "the man page documents every long option each command accepts" {
	missing=""
	for f in "$TOP"/tools/isolens/cmd_*.c; do
		cmd=$(basename "$f" .c)
		cmd=${cmd#cmd_}
		[ "$cmd" != version ] || continue
		sec=$(man_section "$cmd")
		[ -n "$sec" ] || missing="$missing $cmd(no section)"
		for o in $(long_options "$f"); do
			grep -qE -- "--$o([^a-z0-9-]|\$)" <<<"$sec" ||
				missing="$missing $cmd:--$o"
		done
	done
	assert_equal "${missing# }" ""
	# the test can fail: an option the page does not have is found
	echo '{ "no-such-option", no_argument, NULL, 1 },' > "$BATS_TEST_TMPDIR/cmd_trace.c"
	run long_options "$BATS_TEST_TMPDIR/cmd_trace.c"
	assert_output no-such-option
	refute grep -q -- '--no-such-option' "$TOP/docs/isolens.1"
}
