#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Median time of create -> /bin/true -> teardown, isolens against the OCI
# runtimes, on the same busybox rootfs.  Prints numbers and ratios, asserts
# nothing.
#
#   tests/bench/container.sh [-n RUNS]          on the host: isolens vs runc
#                                               (crun refuses hybrid cgroups),
#                                               then the same inside the lab VM
#                                               vs crun and runc (pure v2)
#   tests/bench/container.sh --here [-n RUNS]   this machine only
#
# Each sample is wall time around one full CLI invocation (process start,
# namespaces, mounts, exec of /bin/true, wait, teardown), taken with bash's
# $EPOCHREALTIME so the timer itself forks nothing.
#
# The floor is the least any runtime can do: util-linux unshare with the
# namespaces isolens makes (all but cgroup and time) and a fresh /proc,
# chrooted into the same rootfs: no cgroup, no /dev, no pivot_root, no
# capability or seccomp work.  The goals are printed with the numbers,
# never asserted: isolens/runc <= 0.25, isolens/crun <= 0.5, and
# isolens/floor <= 1.5.
set -u
cd "$(dirname "$0")/../.."
TOP=$PWD
ISOLENS=${ISOLENS:-$TOP/tools/isolens/isolens}
N=50
HERE=0
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=$2; shift 2 ;;
	--here) HERE=1; shift ;;
	*) echo "usage: $0 [--here] [-n RUNS]" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (runc and isolens rootful)" >&2; exit 1; }
[ -x "$ISOLENS" ] || { echo "bench: build first (make tools)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/isolens-bench.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
"$ISOLENS" container rootfs "$WORK/bundle/rootfs" >/dev/null || exit 1

# median_ms CMD...: run CMD N times, print the median in ms (3 decimals)
median_ms() {
	local i t0 t1 samples=()
	"$@" >/dev/null 2>&1 || { echo "failed"; return 1; }   # warm-up
	for ((i = 0; i < N; i++)); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1 || { echo "failed"; return 1; }
		t1=$EPOCHREALTIME
		samples+=("$(echo "($t1 - $t0) * 1000" | bc -l)")
	done
	printf '%s\n' "${samples[@]}" | sort -g | awk '{a[NR] = $1} END {
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%.3f\n", m }'
}

oci_bundle() {
	(cd "$WORK/bundle" && runc spec 2>/dev/null || crun spec) || return 1
	# /bin/true, no terminal, read-only root: the same work isolens does
	jq '.process.args = ["/bin/true"] | .process.terminal = false |
	    .root.path = "rootfs" | .root.readonly = true' \
		"$WORK/bundle/config.json" > "$WORK/bundle/c.json" &&
		mv "$WORK/bundle/c.json" "$WORK/bundle/config.json"
}

run_isolens() { "$ISOLENS" container run --rootfs "$WORK/bundle/rootfs" -- /bin/true; }
run_floor() {
	unshare --fork --pid --mount --uts --ipc --net --mount-proc \
		--root "$WORK/bundle/rootfs" /bin/true
}
oci_seq=0
run_oci() { oci_seq=$((oci_seq + 1)); "$1" run --bundle "$WORK/bundle" "isolens-bench-$$-$BASHPID-$oci_seq"; }
run_runc() { run_oci runc; }
run_crun() { run_oci crun; }

# compare NAME ISOLENS_MS: NAME's median and isolens/NAME, or why not
compare() {
	local t
	t=$(median_ms run_$1)
	if [ "$t" = failed ]; then
		printf '  %-8s cannot run here (%s)\n' $1 \
			"$(run_$1 2>&1 | tail -n 1 | cut -c1-100)"
		return
	fi
	printf '  %-8s median %9s ms   isolens/%s = %s\n' $1 "$t" $1 \
		"$(echo "scale=3; $2 / $t" | bc -l)"
}

bench_here() {
	local where=$1 iso other
	echo "== $where: $(uname -r), $(stat -f -c %T /sys/fs/cgroup) at /sys/fs/cgroup, $N runs each"
	iso=$(median_ms run_isolens)
	printf '  %-8s median %9s ms\n' isolens "$iso"
	if command -v unshare >/dev/null; then
		compare floor "$iso"
	else
		printf '  %-8s unshare (util-linux) not installed\n' floor
	fi
	if oci_bundle; then
		for other in runc crun; do
			if command -v $other >/dev/null; then
				compare $other "$iso"
			else
				printf '  %-8s not installed\n' $other
			fi
		done
	else
		echo "  (no runc/crun to write an OCI bundle)"
	fi
	echo "  goals: isolens/runc <= 0.25, isolens/crun <= 0.5, isolens/floor <= 1.5"
}

bench_here "$( [ "$(hostname)" = isolens-lab ] && echo "lab VM" || echo host)"
if [ $HERE -eq 0 ] && [ "$(hostname)" != isolens-lab ]; then
	"$ISOLENS" lab run --timeout 1200 -- "$TOP/tests/bench/container.sh" --here -n "$N" ||
		echo "== lab VM: isolens lab run failed (exit $?)"
fi
