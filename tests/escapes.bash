# SPDX-License-Identifier: GPL-2.0
# The escape matrix, shared by tests/vm/escapes.bats and
# tests/host/escapes.bats: load ../escapes (after ../common).
#
# escape_matrix runs every attempt (tests/helpers/escape) in one container
# per configuration: every defense on, --cap-add ALL, --seccomp unconfined,
# and both lifted.  The container's stdin is a new pty that is the
# runtime's controlling terminal, as when a user types the command, so the
# terminal attempts have something to aim at.  Each test then computes from
# the four results which layer stopped its attempt.

ESCAPE_CONFIGS="default caps seccomp both"
ESCAPE=$TOP/tests/helpers/escape

# escape_prepare: ESCAPE_DIR with a rootfs RF holding bin/escape, a host
# process to aim at (HOST_PID), and a directory outside the rootfs whose
# file handle is ESCAPE_HANDLE ("none" where the filesystem gives none).
# For setup_file; escape_cleanup undoes it.
escape_prepare() {
	ESCAPE_DIR=$(mktemp -d /tmp/isolens-escapes.XXXXXX)
	chmod 755 "$ESCAPE_DIR"
	RF=$ESCAPE_DIR/rootfs
	"$ISOLENS" container rootfs "$RF" >/dev/null
	cp "$ESCAPE" "$RF/bin/"
	sleep 1000 3>&- &
	HOST_PID=$!
	mkdir "$ESCAPE_DIR/outside"
	touch "$ESCAPE_DIR/outside/host-file"
	ESCAPE_HANDLE=$("$ESCAPE" --handle "$ESCAPE_DIR/outside") ||
		ESCAPE_HANDLE=none
	export ESCAPE_DIR RF HOST_PID ESCAPE_HANDLE
}

escape_cleanup() {
	[ -n "${HOST_PID:-}" ] && kill "$HOST_PID" 2>/dev/null
	[ -n "${ESCAPE_DIR:-}" ] && rm -rf "$ESCAPE_DIR"
	return 0
}

# For setup: what every escape test needs.
escape_require() {
	require_root
	[ -x "$ESCAPE" ] || fail "tests/helpers/escape is not built (make tests)"
	[ "$HOST_PID" -gt 100 ] ||
		fail "host pid $HOST_PID could also be a pid inside the container"
}

escape_flags() {
	case $1 in
	default) ;;
	caps) echo --cap-add ALL ;;
	seccomp) echo --seccomp unconfined ;;
	both) echo --cap-add ALL --seccomp unconfined ;;
	esac
}

# escape_matrix DIR ROOTFS "LABEL ATTEMPT [ARG]..."...: one container per
# configuration runs every attempt; DIR/CONFIG.out gets "LABEL RESULT"
# lines, DIR/CONFIG.err the steps that failed, DIR/matrix one row per
# label: "LABEL default=R caps=R seccomp=R both=R".  The rootfs must hold
# bin/escape.  Open fds of the caller (fd 3 excepted) are inherited.
escape_matrix() {
	local dir=$1 rf=$2 a cfg label script="" r
	shift 2
	: >"$dir/attempts"
	for a in "$@"; do
		label=${a%% *}
		echo "$a" >>"$dir/attempts"
		script+="r=\$(escape ${a#* }); echo \"$label \${r#* }\"; "
	done
	for cfg in $ESCAPE_CONFIGS; do
		# shellcheck disable=SC2046
		"$ESCAPE" --tty "$ISOLENS" container run --rootfs "$rf" \
			--name "escapes-$cfg" $(escape_flags $cfg) \
			-- sh -c "$script" >"$dir/$cfg.out" 2>"$dir/$cfg.err" 3>&-
		echo $? >"$dir/$cfg.status"
	done
	: >"$dir/matrix"
	for a in "$@"; do
		label=${a%% *}
		printf '%s' "$label" >>"$dir/matrix"
		for cfg in $ESCAPE_CONFIGS; do
			r=$(awk -v l="$label" '$1 == l { print $2; exit }' "$dir/$cfg.out")
			printf ' %s=%s' $cfg "${r:-missing}" >>"$dir/matrix"
		done
		echo >>"$dir/matrix"
	done
}

# every container ran, and every attempt left a result
assert_escape_matrix_complete() {
	local cfg
	for cfg in $ESCAPE_CONFIGS; do
		assert_equal "$cfg: $(cat "$ESCAPE_DIR/$cfg.status")" "$cfg: 0"
	done
	run grep missing "$ESCAPE_DIR/matrix"
	assert_output ""
}

escape_row() {
	grep "^$1 " "$ESCAPE_DIR/matrix"
}

# escape_result LABEL CONFIG
escape_result() {
	escape_row "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# escape_through R [REACHED...]: the attempt got past every defense: OK,
# or an error of the target itself (REACHED, e.g. ENOEXEC from the module
# loader for a payload that is no module).
escape_through() {
	local r=$1 e
	shift
	[ "$r" = OK ] && return 0
	for e in "$@"; do
		[ "$r" = "$e" ] && return 0
	done
	return 1
}

# escape_layer LABEL [REACHED...]: what the matrix says stopped LABEL:
# "capability" or "seccomp" when lifting that alone lets it through,
# "capability+seccomp" when only lifting both does, and "fixed" when it
# never got through: a layer neither flag lifts (namespaces, the device
# policy, fd hygiene, the session, masked and read-only paths).
escape_layer() {
	local label=$1
	shift
	if ! escape_through "$(escape_result "$label" both)" "$@"; then
		echo fixed
	elif escape_through "$(escape_result "$label" caps)" "$@"; then
		echo capability
	elif escape_through "$(escape_result "$label" seccomp)" "$@"; then
		echo seccomp
	else
		echo capability+seccomp
	fi
}

# escape_explain LABEL: the row, and the step each configuration failed at
escape_explain() {
	local label=$1 attempt cfg
	attempt=$(awk -v l="$label" '$1 == l { print $2; exit }' "$ESCAPE_DIR/attempts")
	echo "row: $(escape_row "$label")"
	for cfg in $ESCAPE_CONFIGS; do
		echo "$cfg (container exit $(cat "$ESCAPE_DIR/$cfg.status")):" \
			"$(grep -E "^escape: $attempt:|^isolens" "$ESCAPE_DIR/$cfg.err" | paste -sd';')"
	done
}

# assert_escape_stopped LABEL LAYER ERRNO [REACHED...]: with every defense
# on, LABEL failed with ERRNO, and LAYER stopped it: for capability,
# seccomp and capability+seccomp, as computed from the matrix; for any
# other (fixed) layer, ERRNO in all four configurations.
assert_escape_stopped() {
	local label=$1 layer=$2 errno=$3 got cfg
	shift 3
	[ -n "$(escape_row "$label")" ] ||
		fail "no row for $label in $ESCAPE_DIR/matrix"
	[ "$(escape_result "$label" default)" = "$errno" ] ||
		fail "$label: not stopped with $errno by default
$(escape_explain "$label")"
	got=$(escape_layer "$label" "$@")
	case $layer in
	capability | seccomp | capability+seccomp)
		[ "$got" = "$layer" ] ||
			fail "$label: stopped by $got, expected $layer
$(escape_explain "$label")"
		;;
	*)
		for cfg in $ESCAPE_CONFIGS; do
			[ "$(escape_result "$label" $cfg)" = "$errno" ] ||
				fail "$label: expected $errno from $layer in every configuration (computed: $got)
$(escape_explain "$label")"
		done
		;;
	esac
}
