#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens container inside the lab VM: pure cgroup v2, so --pids, --memory
# and --cpus really apply.  Namespace and privilege tests are in
# tests/host/container.bats.

load ../common
bats_require_minimum_version 1.5.0

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	CT_DIR=$(mktemp -d /tmp/isolens-ct.XXXXXX)
	chmod 755 "$CT_DIR"
	"$ISOLENS" container rootfs "$CT_DIR/rootfs" >/dev/null
	cp "$TOP/tests/helpers/container_stress" "$CT_DIR/rootfs/bin/"
	export CT_DIR RF="$CT_DIR/rootfs"
}

teardown_file() {
	[ -n "${CT_DIR:-}" ] && rm -rf "$CT_DIR"
	return 0
}

setup() {
	require_root
	require_cgroup2_controllers cpu memory pids
	[ -x "$TOP/tests/helpers/container_stress" ] ||
		fail "tests/helpers/container_stress is not built (make tests)"
}

crun_() { "$ISOLENS" container run --rootfs "$RF" "$@"; }

@test "pivot_root-based containers run inside the lab VM" {
	run crun_ -- sh -c 'echo $$; cat /proc/self/cgroup'
	assert_success
	assert_line --index 0 1
	# the cgroup namespace is rooted at the container's leaf
	assert_line --index 1 "0::/"
}

@test "limits are written to the container's own leaf, removed after exit" {
	crun_ --name ct-lim --memory 64M --pids 16 --cpus 0.5 -- sleep 30 3>&- &
	wait_started ct-lim >/dev/null
	cg=$(jq -r .cgroup /run/isolens/containers/ct-lim.json)
	pid=$(jq -r .pid /run/isolens/containers/ct-lim.json)
	assert_equal "$cg" /sys/fs/cgroup/isolens/ct-lim
	assert_equal "$(cat $cg/memory.max)" 67108864
	assert_equal "$(cat $cg/pids.max)" 16
	assert_equal "$(cat $cg/cpu.max)" "50000 100000"
	grep -qx "$pid" "$cg/cgroup.procs" || fail "pid $pid is not in $cg"
	"$ISOLENS" container kill ct-lim
	wait || true
	[ ! -d "$cg" ] || fail "$cg left behind"
}

@test "container exec stays inside the cgroup, and fails at the pids limit" {
	crun_ --name ct-xl --pids 2 -- sleep 60 3>&- &
	wait_started ct-xl >/dev/null
	cg=$(jq -r .cgroup /run/isolens/containers/ct-xl.json)
	run "$ISOLENS" container exec ct-xl -- cat /proc/self/cgroup
	assert_success
	assert_output "0::/"
	# one more process fits (sleep is pid 1); a third is refused
	"$ISOLENS" container exec ct-xl -- sleep 60 3>&- &
	for i in $(seq 300); do [ "$(wc -l < $cg/cgroup.procs)" -ge 2 ] && break; sleep 0.1; done
	run --separate-stderr "$ISOLENS" container exec ct-xl -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: cannot start a process in 'ct-xl': its cgroup is at the pids limit (pids.max)"
	# nothing ran outside the cgroup
	assert_equal "$(wc -l < $cg/cgroup.procs)" 2
	"$ISOLENS" container kill ct-xl
	wait || true
	[ ! -d "$cg" ] || fail "$cg left behind"
}

@test "a fork bomb is stopped at --pids" {
	run --separate-stderr crun_ --pids 16 -- container_stress forks
	assert_success
	# pid 1 itself is one of the 16
	assert_output "forked 15, then EAGAIN"
	[[ $stderr == *"pids.max="[1-9]* ]] || fail "no pids.max event: $stderr"
}

@test "an allocation beyond --memory is OOM-killed: exit 137, oom_kill event" {
	run -137 --separate-stderr crun_ --memory 32M -- container_stress alloc 200
	refute_output --partial "touched"
	[[ $stderr == *"oom_kill=1"* ]] || fail "no oom_kill event: $stderr"
	run -137 crun_ --memory 32M --json -- container_stress alloc 200
	json=$(echo "$output" | tail -n 1)
	assert_equal "$(echo "$json" | jq .oom_kill)" 1
	assert_equal "$(echo "$json" | jq .signal)" 9
	# below the limit the same program completes
	run --separate-stderr crun_ --memory 64M -- container_stress alloc 16
	assert_success
	assert_output "touched 16 MB"
}

@test "--cpus throttles: cpu.stat nr_throttled > 0" {
	run --separate-stderr crun_ --cpus 0.2 --json -- container_stress spin 1000
	assert_success
	t=$(echo "$output" | tail -n 1 | jq .nr_throttled)
	[ "$t" -gt 0 ] || fail "nr_throttled=$t"
	# without a limit the same load is not throttled
	run crun_ --json -- container_stress spin 300
	assert_equal "$(echo "$output" | tail -n 1 | jq .nr_throttled)" 0
}

@test "100 create/destroy cycles with limits leave no cgroup, mount or state" {
	snap() {
		echo "cgroups $(find /sys/fs/cgroup/isolens -mindepth 1 -type d 2>/dev/null | wc -l)"
		echo "mounts $(wc -l < /proc/self/mountinfo)"
		echo "state $(ls /run/isolens/containers 2>/dev/null | wc -l)"
		echo "zombies $(ps -eo stat= | grep -c '^Z')"
	}
	before=$(snap)
	for i in $(seq 100); do
		crun_ --name ct-leak --memory 32M --pids 32 --cpus 1 -- true ||
			fail "cycle $i failed"
	done
	assert_equal "$(snap)" "$before"
}

@test "device policy: a block device cannot be made or opened, whatever is lifted; /dev/null can" {
	modprobe brd rd_nr=1 rd_size=1024 || skip "no brd module"
	[ -b /dev/ram0 ] || fail "brd gave no /dev/ram0"
	# outside any container, root opens it
	head -c 1 /dev/ram0 | wc -c | grep -qx 1
	before=$(find /sys/fs/cgroup/isolens -mindepth 1 -type d 2>/dev/null | wc -l)
	for opts in "" "--cap-add ALL --seccomp=unconfined"; do
		run crun_ $opts -- sh -c 'mknod /tmp/ram0 b 1 0; echo x > /dev/null && echo null-ok'
		assert_success
		assert_line "mknod: /tmp/ram0: Operation not permitted"
		assert_line null-ok
		# a node made on the host side, in the rootfs: nodev refuses it
		mknod "$RF/ram0" b 1 0
		run crun_ $opts -- head -c 1 /ram0
		rm -f "$RF/ram0"
		assert_failure
		assert_output --partial "Permission denied"
		# the host's own /dev/ram0, on a mount without nodev: the
		# device policy (the cgroup_device program) refuses the open
		run "$ISOLENS" container run --share mnt $opts -- sh -c 'head -c 1 /dev/ram0; echo x > /dev/null && echo null-ok'
		assert_line --regexp "/dev/ram0.*Operation not permitted"
		assert_line null-ok
	done
	assert_equal "$(find /sys/fs/cgroup/isolens -mindepth 1 -type d 2>/dev/null | wc -l)" "$before"
	rmmod brd || true
}

@test "device policy on pure cgroup v2: the program on the leaf, no v1 group, gone after" {
	crun_ --name ct-devpol -- sleep 30 3>&- &
	wait_started ct-devpol
	cg=$(jq -r .cgroup /run/isolens/containers/ct-devpol.json)
	run bpftool cgroup show "$cg"
	assert_line --regexp '^[0-9]+ +cgroup_device +multi +devices_check'
	[ ! -e /sys/fs/cgroup/devices ] || fail "a v1 devices hierarchy in the lab VM?"
	"$ISOLENS" container kill ct-devpol
	wait || true
	[ ! -d "$cg" ] || fail "$cg left behind"
}

@test "/proc/isolens is root-only (0400) and masked in every container" {
	[ -f "$TOP/module/isolens.ko" ] || skip "module/isolens.ko is not built"
	grep -q '^isolens ' /proc/modules && rmmod isolens
	insmod "$TOP/module/isolens.ko"
	run stat -c '%n %a' /proc/isolens/stats /proc/isolens/kvm /proc/isolens/namespaces /proc/isolens/cgroups
	rc=0
	for m in '' --userns; do
		out=$(crun_ $m --cap-add ALL -- sh -c 'ls -A /proc/isolens | wc -l; cat /proc/isolens/stats 2>&1 | head -n 1') || rc=1
		outs+=("$out")
	done
	rmmod isolens
	assert_success
	assert_line "/proc/isolens/stats 400"
	assert_line "/proc/isolens/kvm 400"
	assert_line "/proc/isolens/namespaces 400"
	assert_line "/proc/isolens/cgroups 400"
	assert_equal "$rc" 0
	for out in "${outs[@]}"; do
		run echo "$out"
		assert_line --index 0 0
		assert_line --index 1 --regexp "/proc/isolens/stats.*No such file or directory"
	done
}
