#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# escapes.sh: four attempts to reach out of an isolens container, each run
# four times: with every defense on, then with the capability limit lifted
# (--cap-add ALL), with the seccomp filter off (--seccomp unconfined), and
# with both.  One line per attempt:
#
#   NAME default=R caps=R seccomp=R both=R
#
# R is "ok" (exit status 0), EPERM (denied: "Operation not permitted", or
# busybox's "permission denied"), ESRCH, or "fail" (another error).
set -u
ISOLENS=${ISOLENS:-isolens}

# A host process the container should not be able to reach.
sleep 300 &
HOST_PID=$!
trap 'kill $HOST_PID 2>/dev/null' EXIT

# outcome CMD...: how CMD ended: ok, EPERM, ESRCH or fail
outcome() {
	local out
	if out=$("$@" 2>&1); then
		echo ok
		return
	fi
	case $out in
	*"Operation not permitted"* | *"ermission denied"*) echo EPERM ;;
	*"No such process"*) echo ESRCH ;;
	*) echo fail ;;
	esac
}

# TODO 1: attempt NAME SCRIPT: run "sh -c SCRIPT" in a new container with
#         every defense on, then with --cap-add ALL, with --seccomp
#         unconfined, and with both; print the line above.
#         (isolens container run --help; outcome() classifies each run)
attempt() {
	echo "$1 default=? caps=? seccomp=? both=?"
}

# TODO 2: load code into the kernel: insmod of a file that is no module
#         (/bin/busybox: the kernel itself rejects it, if nothing stops
#         the call first).
attempt module 'true'

# TODO 3: mount a new filesystem (tmpfs on /tmp).
attempt mount 'true'

# TODO 4: rename the machine (hostname).
attempt hostname 'true'

# TODO 5: signal the host process $HOST_PID (kill -0: is it reachable?).
attempt kill "true"
