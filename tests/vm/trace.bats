#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens trace inside the lab VM: fentry and kprobes are allowed, kvm is
# loaded on (nested) SVM, cgroup v2 is pure.  The same binary as on the host.

load ../common

bats_require_minimum_version 1.5.0

setup() {
	require_root
	OUT=$BATS_TEST_TMPDIR/out.json
	ERR=$BATS_TEST_TMPDIR/err
}

teardown() {
	[ -z "${QEMU_PID:-}" ] || { kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null; } || true
}

# rmdir_cgroup DIR: exited tasks leave a cgroup asynchronously
rmdir_cgroup() {
	for _ in $(seq 300); do
		rmdir "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	rmdir "$1"
}

trace_json() {
	"$ISOLENS" trace --json "$@" >"$OUT" 2>"$ERR"
}

ns_ino() { # ns_ino PID KIND
	readlink "/proc/$1/ns/$2" | tr -dc 0-9
}

@test "fentry: switch_task_namespaces events carry the old and the new set" {
	require_fentry
	trace_json --events ns -- sh -c \
		"exec unshare -u readlink /proc/self/ns/uts >$BATS_TEST_TMPDIR/ns"
	new=$(tr -dc 0-9 <"$BATS_TEST_TMPDIR/ns")
	run jq -r 'select(.kind == "ns_switch") | "\(.old_ns.uts) \(.ns.uts)"' "$OUT"
	assert_output "$(ns_ino $$ uts) $new"
	refute grep -q 'fentry not permitted' "$ERR"
	# ns_switch comes before the unshare syscall returns
	run jq -r 'select(.class == "ns") | .kind' "$OUT"
	assert_output "ns_switch
unshare"
}

@test "kprobe: the fallback path produces the same switch events" {
	[ -e /sys/bus/event_source/devices/kprobe/type ] || skip "no kprobe PMU on this kernel"
	ISOLENS_NO_FENTRY=1 trace_json --events ns -- unshare -n true
	grep -q 'using kprobes' "$ERR" || fail "kprobe path not taken: $(cat "$ERR")"
	run jq -r 'select(.kind == "ns_switch") | (.old_ns.net != .ns.net)' "$OUT"
	assert_output true
}

@test "cap: capability checks against a child user namespace (fexit on < 6.14)" {
	trace_json --events cap -- unshare -U sh -c 'hostname isolens-x 2>/dev/null; true'
	# root in a new user ns without a mapping is denied CAP_SYS_ADMIN over
	# the uts namespace, which belongs to the initial user ns
	run jq -r 'select(.kind == "cap_check" and .cap_name == "CAP_SYS_ADMIN" and .ret != 0) | .ctx.type' "$OUT"
	assert_line isolated
	refute grep -q 'capability checks are not traced' "$ERR"
}

@test "pids: a fork refused by pids.max is reported with the limit" {
	require_cgroup2_controllers pids
	cg=/sys/fs/cgroup/isolens-pids-$$
	mkdir "$cg"
	echo 3 >"$cg/pids.max"
	trace_json --events cgroup -- sh -c \
		"echo \$\$ > $cg/cgroup.procs; for i in 1 2 3 4 5; do sleep 1 & done; wait; echo \$\$ > /sys/fs/cgroup/cgroup.procs" || true
	rmdir_cgroup "$cg"
	run jq -r 'select(.kind == "pids_limit") | "\(.cgroup.path) \(.cgroup.limit)"' "$OUT"
	assert_line "isolens-pids-$$ 3"
}

@test "oom: a memory.max kill is reported with the victim" {
	require_cgroup2_controllers memory
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 to allocate 200 MB"
	cg=/sys/fs/cgroup/isolens-oom-$$
	mkdir "$cg"
	echo 32M >"$cg/memory.max"
	echo 0 >"$cg/memory.swap.max" 2>/dev/null || true
	trace_json --events cgroup,proc -- sh -c \
		"echo \$\$ > $cg/cgroup.procs; /usr/bin/python3 -c 'x = bytearray(200 << 20)'; echo \$\$ > /sys/fs/cgroup/cgroup.procs" || true
	rmdir_cgroup "$cg"
	victim=$(jq -r 'select(.kind == "oom_kill") | .target_pid' "$OUT")
	[ -n "$victim" ] || fail "no oom_kill record: $(cat "$OUT")"
	# the victim is the python process, which then exits by SIGKILL
	run jq -r "select(.kind == \"exit\" and .pid == $victim) | .exit_code" "$OUT"
	assert_output 9
}

@test "kvm: the guest's exits to userspace equal those the VMM counts, reasons decoded" {
	require_kvm
	[ -d /sys/kernel/tracing/events/kvm ] || skip "no kvm tracepoints"
	trace_json --events kvm -- sh -c "exec $TOP/tests/helpers/kvm_hlt >$BATS_TEST_TMPDIR/vmm"
	vmm_exits=$(grep -c '^exit ' "$BATS_TEST_TMPDIR/vmm")
	cp "$OUT" "$OUT.j"
	run jq -r 'select(.kind == "kvm_userspace_exit") | .reason' "$OUT.j"
	assert_equal "${#lines[@]}" "$vmm_exits"
	assert_output "IO
HLT"
	# every hardware exit is named; the port write is an io exit
	run jq -r 'select(.kind == "kvm_exit") | "\(.isa) \(.reason) \(.vcpu)"' "$OUT.j"
	assert_success
	refute_output --partial unknown
	assert_line --regexp '^(SVM io|VMX IO_INSTRUCTION) 0$'
	run jq -r 'select(.kind == "kvm_pio") | "\(.dir) \(.port) \(.ctx.type)"' "$OUT.j"
	assert_output "out 1016 vm"
	run jq -r 'select(.summary) | .summary.exits | keys[]' "$OUT.j"
	assert_output --regexp '^\[vm kvm_hlt-[0-9]+/vcpu0\]$'
}

@test "kvm --count: counted in the kernel, exits to userspace equal the VMM's" {
	require_kvm
	[ -d /sys/kernel/tracing/events/kvm ] || skip "no kvm tracepoints"
	trace_json --count --events kvm -- sh -c "exec $TOP/tests/helpers/kvm_hlt >$BATS_TEST_TMPDIR/vmm"
	vmm_exits=$(grep -c '^exit ' "$BATS_TEST_TMPDIR/vmm")
	run jq -r '.summary.to_vmm | to_entries[] | "\(.key) \(.value | add)"' "$OUT"
	assert_output --regexp "^\[vm kvm_hlt-[0-9]+/vcpu0\] $vmm_exits\$"
	run jq -r '.summary.to_vmm[] | keys[]' "$OUT"
	assert_output "HLT
IO"
	run jq -r '.summary.exits[] | keys[]' "$OUT"
	assert_line --regexp '^(io|IO_INSTRUCTION)$'
	run jq -r '.summary | "\(.by_kind.kvm_exit == ([.exits[] | add] | add)) \(.drops)"' "$OUT"
	assert_output "true 0"
}

# perf_count FILE EVENT: what `perf stat -x, -o FILE` counted for EVENT
perf_count() {
	awk -F, -v ev="$2" '$3 == ev { print $1 }' "$1"
}

@test "perf beside isolens: its tracepoint counts are what isolens and perf alone count" {
	require_kvm
	command -v perf >/dev/null || skip "perf (linux-perf) is missing"
	events="-e kvm:kvm_exit -e sched:sched_process_exec"
	work="$TOP/tests/helpers/kvm_hlt >/dev/null; /bin/true; /bin/true"
	# shellcheck disable=SC2086
	perf stat -x, -o "$BATS_TEST_TMPDIR/alone" $events -- sh -c "$work"
	alone=$(perf_count "$BATS_TEST_TMPDIR/alone" sched:sched_process_exec)
	[ "$alone" -ge 3 ]
	# the same under isolens, counting kvm and proc events in the kernel
	# shellcheck disable=SC2086
	trace_json --count --events kvm,proc -- \
		perf stat -x, -o "$BATS_TEST_TMPDIR/beside" $events -- sh -c "$work"
	# a tp program returning 0 hid the tracepoint from perf: it counted 0
	assert_equal "$(perf_count "$BATS_TEST_TMPDIR/beside" sched:sched_process_exec)" "$alone"
	run jq -r '.summary.exits | to_entries[] | select(.key | startswith("[vm kvm_hlt-")) | [.value[]] | add' "$OUT"
	assert_output "$(perf_count "$BATS_TEST_TMPDIR/beside" kvm:kvm_exit)"
	[ "$output" -ge 3 ]
}

@test "qemu -accel kvm: attributed as a VM with its vCPU threads" {
	require_kvm
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
	qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 64 -nodefaults \
		-display none -no-reboot -name isolens-qvm >/dev/null 2>&1 &
	QEMU_PID=$!
	for _ in $(seq 100); do
		n=$("$ISOLENS" ls --json | jq '[.vms[] | select(.name == "isolens-qvm") | .vcpus[]] | length')
		[ "$n" = 2 ] && break
		sleep 0.3
	done
	run "$ISOLENS" ls --json
	run jq -r '.vms[] | select(.name == "isolens-qvm") | "\(.pid) \(.runtime) \([.vcpus[].index] | sort | join(","))"' <<<"$output"
	assert_output "$QEMU_PID qemu 0,1"
	trace_json --vm isolens-qvm --events kvm --duration 3
	run jq -r 'select(.kind == "kvm_exit") | .ctx.name' "$OUT"
	assert_line isolens-qvm
	run jq -r 'select(.kind == "kvm_exit") | .ctx.vcpu' "$OUT"
	assert_line 0
}

@test "stacks: --stacks symbolizes kernel frames from kallsyms" {
	run --separate-stderr "$ISOLENS" trace --stacks --events ns -- unshare -u true
	assert_success
	assert_output --regexp 'unshare\(NEWUTS\) = 0'
	assert_output --regexp '__x64_sys_unshare|ksys_unshare|syscall'
}
