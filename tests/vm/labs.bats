#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Every lab can be solved, and its checker checks: for each labs/NN-*/,
# check.bats passes on solution/ (with nothing skipped) and fails on the
# untouched skeleton.  Runs inside the lab VM (make check).

load ../common

setup() {
	require_root
	cd "$TOP"
}

# grade LAB SUBMISSION: run LAB's checker on SUBMISSION into $output/$status
grade() {
	run env LAB_SUBMISSION="$2" bats --tap "$1/check.bats"
}

@test "there are labs" {
	compgen -G 'labs/[0-9]*/check.bats' >/dev/null
}

@test "every lab's checker passes on its solution, skipping nothing" {
	local lab bad=
	for lab in labs/[0-9]*/; do
		lab=${lab%/}
		[ -d "$lab/solution" ] || { bad="$bad $lab(no solution/)"; continue; }
		grade "$lab" "$lab/solution"
		if [ "$status" -ne 0 ] || grep -q '# skip' <<<"$output"; then
			echo "--- $lab/solution: status $status"
			printf '%s\n' "$output"
			bad="$bad $lab"
		fi
	done
	[ -z "$bad" ] || fail "solution not accepted:$bad"
}

@test "every lab's checker fails on its untouched skeleton" {
	local lab bad=
	for lab in labs/[0-9]*/; do
		lab=${lab%/}
		grade "$lab" "$lab"
		# a real verdict: tests ran and at least one said "not ok"
		if [ "$status" -eq 0 ] || ! grep -q '^not ok' <<<"$output"; then
			echo "--- $lab (skeleton): status $status"
			printf '%s\n' "$output"
			bad="$bad $lab"
		fi
	done
	[ -z "$bad" ] || fail "skeleton accepted:$bad"
}
