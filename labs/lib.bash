# SPDX-License-Identifier: GPL-2.0
# Shared by every labs/NN-*/check.bats: load ../lib
#
# The checker grades the files in $LAB_SUBMISSION (default: the lab
# directory itself, where the student edits the skeleton).  CI runs it with
# LAB_SUBMISSION=labs/NN-*/solution (must pass) and with the untouched
# skeleton (must fail): tests/vm/labs.bats.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

LAB_DIR=$(cd "$BATS_TEST_DIRNAME" && pwd)
TOP=$(cd "$LAB_DIR/../.." && pwd)
ISOLENS=${ISOLENS:-$TOP/tools/isolens/isolens}
SUB=${LAB_SUBMISSION:-$LAB_DIR}
case $SUB in
/*) ;;
*) SUB=$(cd "$SUB" 2>/dev/null && pwd || echo "$PWD/$SUB") ;;
esac
export LAB_DIR TOP ISOLENS SUB

# answer KEY: the student's answer to KEY in $SUB/answers.txt ("KEY = text",
# one per line, # comments), trimmed, lower-cased, blanks squeezed.
answer() {
	[ -f "$SUB/answers.txt" ] || { echo "no $SUB/answers.txt" >&2; return 1; }
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$SUB/answers.txt" |
		tail -n 1 | tr 'A-Z' 'a-z' | tr -s ' \t' ' ' | sed 's/[[:space:]]*$//'
}

# assert_answer KEY EXPECTED...: the answer is one of EXPECTED (lower case)
assert_answer() {
	local key=$1 got want
	shift
	got=$(answer "$key")
	[ -n "$got" ] || fail "answers.txt: '$key' is not answered"
	for want in "$@"; do
		[ "$got" = "$want" ] && return 0
	done
	fail "answers.txt: '$key = $got' does not match what this system shows; look again (README, Questions)"
}

# require_answered KEY...: fail at once on a missing answer, before a test
# spends the lab VM's time measuring it
require_answered() {
	local key
	for key in "$@"; do
		[ -n "$(answer "$key")" ] || fail "answers.txt: '$key' is not answered"
	done
}

require_lab_vm() {
	[ "$(id -u)" -eq 0 ] || skip "the checker runs as root in the lab VM (make lab-check N=NN)"
}

ns_ino() { # ns_ino PID KIND
	readlink "/proc/$1/ns/$2" | tr -dc 0-9
}

# wait_for 'SHELL CODE': retry it (eval'd each time) for up to 20 s: the
# lab VM is slow, not late
wait_for() {
	local i
	for i in $(seq 200); do
		eval "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	eval "$1"
}

# wait_ns_differs PID KIND: until PID has left our namespace of KIND
wait_ns_differs() {
	wait_for "[ \"\$(ns_ino $1 $2)\" != \"\$(ns_ino $$ $2)\" ]"
}
