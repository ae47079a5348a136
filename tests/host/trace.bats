#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens trace on the host: tracepoint programs only (no kprobes, no
# fentry here), records checked against what /proc says.

load ../common

bats_require_minimum_version 1.5.0

PY=/usr/bin/python3

setup() {
	require_root
	OUT=$BATS_TEST_TMPDIR/out.json
	ERR=$BATS_TEST_TMPDIR/err
}

# trace_json ARGS...: run a trace, JSON Lines into $OUT, notes into $ERR.
trace_json() {
	"$ISOLENS" trace --json "$@" >"$OUT" 2>"$ERR"
}

# Every line of $OUT must be a JSON object: fails on the first that is not.
all_json() {
	local n=0 line
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e 'type == "object"' <<<"$line" >/dev/null ||
			fail "line $n is not a JSON object: $line"
	done <"$OUT"
	[ "$n" -gt 0 ] || fail "no output"
}

ns_ino() { # ns_ino PID KIND
	readlink "/proc/$1/ns/$2" | tr -dc 0-9
}

@test "unshare: the record's namespace inodes are those /proc shows after it" {
	trace_json --events ns -- sh -c \
		"exec unshare -un readlink /proc/self/ns/uts /proc/self/ns/net /proc/self/ns/mnt >$BATS_TEST_TMPDIR/ns"
	all_json
	uts=$(sed -n 1p "$BATS_TEST_TMPDIR/ns" | tr -dc 0-9)
	net=$(sed -n 2p "$BATS_TEST_TMPDIR/ns" | tr -dc 0-9)
	mnt=$(sed -n 3p "$BATS_TEST_TMPDIR/ns" | tr -dc 0-9)
	run jq -r 'select(.kind == "unshare") |
		"\(.ns.uts) \(.ns.net) \(.ns.mnt) \(.flag_names | join("|")) \(.ret) \(.ctx.type)"' "$OUT"
	assert_success
	assert_output "$uts $net $mnt NEWUTS|NEWNET 0 isolated"
	# and they are new: not the tracer's own
	[ "$uts" != "$(ns_ino $$ uts)" ] && [ "$net" != "$(ns_ino $$ net)" ]
}

@test "unshare: a failure is reported with its errno" {
	# an unprivileged unshare(CLONE_NEWNET) fails with EPERM
	trace_json --events ns -- setpriv --reuid=65534 --regid=65534 \
		--clear-groups unshare -n true || true
	run jq -r 'select(.kind == "unshare") | "\(.ret) \(.text)"' "$OUT"
	assert_output "-1 unshare(NEWNET) = -1 EPERM"
}

@test "setns: the record carries the namespace the task joined" {
	unshare -u sleep 30 &
	target=$!
	# wait until the sleeper is in its own uts namespace
	for _ in $(seq 300); do
		[ "$(ns_ino $target uts)" != "$(ns_ino $$ uts)" ] && break
		sleep 0.1
	done
	trace_json --events ns -- nsenter -t "$target" -u true
	want=$(ns_ino $target uts)
	kill "$target"
	run jq -r 'select(.kind == "setns") | "\(.flag_names | join("|")) \(.ret) \(.ns.uts)"' "$OUT"
	assert_output "NEWUTS 0 $want"
}

@test "clone: CLONE_NEWUTS returns the child, whose exit record is in the new namespace" {
	[ -x "$PY" ] || skip "no $PY to make a raw clone(2) call"
	# raw clone(2) with newsp 0 behaves like fork
	trace_json --events ns,proc -- $PY -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = libc.syscall(56, 0x04000000 | 17, 0, 0, 0, 0)
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
'
	clone_ret=$(jq -r 'select(.kind == "clone") | .ret' "$OUT")
	[ -n "$clone_ret" ] || fail "no clone record: $(cat "$OUT")"
	run jq -r "select(.kind == \"clone\") | .flag_names | join(\"|\")" "$OUT"
	assert_output "NEWUTS"
	# the child's exit record: same pid as clone returned, uts not ours
	child_uts=$(jq -r "select(.kind == \"exit\" and .pid == $clone_ret) | .ns.uts" "$OUT")
	parent_uts=$(jq -r 'select(.kind == "clone") | .ns.uts' "$OUT")
	[ -n "$child_uts" ] || fail "no exit record for child $clone_ret"
	[ "$child_uts" != "$parent_uts" ]
	[ "$parent_uts" = "$(ns_ino $$ uts)" ]
}

@test "proc: fork, exec and exit of the traced command, with its status" {
	run "$ISOLENS" trace --events proc -- sh -c '/bin/true; exit 3'
	assert_failure 3
	assert_line --regexp '\] +sh +[0-9]+  fork -> pid [0-9]+$'
	assert_line --regexp '\] +true +[0-9]+  exec /bin/true$'
	assert_line --regexp '\] +sh +[0-9]+  exit status 3$'
}

@test "cgroup: mkdir, attach and rmdir in a cgroup2 mount" {
	mnt=$BATS_TEST_TMPDIR/cg2
	mkdir -p "$mnt"
	mount -t cgroup2 none "$mnt" || skip "cannot mount cgroup2 here"
	name=isolens-test-$$
	trace_json --events cgroup -- sh -c \
		"mkdir $mnt/$name && echo \$\$ > $mnt/$name/cgroup.procs && echo \$\$ > $mnt/cgroup.procs && rmdir $mnt/$name"
	status=$?
	umount "$mnt"
	[ "$status" -eq 0 ]
	all_json
	run jq -r 'select(.class == "cgroup") | "\(.kind) \(.cgroup.path) \(.cgroup.hierarchy)"' "$OUT"
	assert_line "cgroup_mkdir /$name 0"
	assert_line "cgroup_attach /$name 0"
	assert_line "cgroup_rmdir /$name 0"
	# the attach names the moved task: the traced shell itself
	run jq -r "select(.kind == \"cgroup_attach\" and .cgroup.path == \"/$name\") | .target_pid == .pid" "$OUT"
	assert_output true
}

@test "--cgroup selects the tasks in that cgroup v2 directory only" {
	mnt=$BATS_TEST_TMPDIR/cg2
	mkdir -p "$mnt"
	mount -t cgroup2 none "$mnt" || skip "cannot mount cgroup2 here"
	cg=$mnt/isolens-sel-$$
	mkdir "$cg"
	"$ISOLENS" trace --json --events proc --cgroup "$cg" --duration 4 >"$OUT" 2>"$ERR" &
	tracer=$!
	for _ in $(seq 300); do grep -q tracing "$ERR" && break; sleep 0.1; done
	sh -c "echo \$\$ > $cg/cgroup.procs; exec /bin/echo inside" >/dev/null
	/bin/echo outside >/dev/null
	wait "$tracer"
	rmdir "$cg"
	umount "$mnt"
	run jq -r 'select(.kind == "exec") | .comm' "$OUT"
	assert_output "echo"
	run jq -r 'select(.kind == "exec") | .ns_pid' "$OUT"
	refute_output ""
}

@test "--json: every line has the documented fields and types" {
	trace_json --events all -- sh -c 'unshare -u true; /bin/true'
	all_json
	run jq -e -s '
		(.[:-1] | all(
			(.ts_ns | type) == "number" and (.kind | type) == "string" and
			(.class | IN("proc", "ns", "cgroup", "kvm", "cap")) and
			(.pid | type) == "number" and (.tid | type) == "number" and
			(.ns_pid | type) == "number" and (.comm | type) == "string" and
			(.cgroup_id | type) == "number" and
			([.ns | .mnt, .pid, .net, .uts, .ipc, .user, .cgroup, .time] |
				all(type == "number" and . > 0)) and
			(.ctx.type | IN("host", "container", "vm", "isolated")) and
			(.text | type) == "string")) and
		(.[-1].summary.drops | type) == "number"' "$OUT"
	assert_success
}

@test "summary: counts add up and drops are reported" {
	run --separate-stderr "$ISOLENS" trace --json --events proc -- sh -c 'for i in 1 2 3 4 5; do /bin/true; done'
	assert_success
	events=$(grep -vc '"summary"' <<<"$output")
	run jq -r 'select(.summary) | .summary | "\(.events) \(.produced) \(.drops) \(.by_class.proc)"' <<<"$output"
	# fork+exec+exit per /bin/true, exec+exit of sh: every one delivered
	assert_output "$events $events 0 $events"
	[ "$events" -ge 17 ]
}

@test "--count: the kernel's counts equal the records streamed for the same command" {
	cmd='for i in 1 2 3; do /bin/true; done; unshare -u /bin/true; unshare -n /bin/true'
	run --separate-stderr "$ISOLENS" trace --json --events proc,ns -- sh -c "$cmd"
	assert_success
	streamed=$(jq -c 'select(.summary) | .summary.by_kind' <<<"$output")
	run --separate-stderr "$ISOLENS" trace --count --json --events proc,ns -- sh -c "$cmd"
	assert_success
	# the summary is the only output
	assert_equal "${#lines[@]}" 1
	counted=$output
	assert_equal "$(jq -c '.summary.by_kind' <<<"$counted")" "$streamed"
	run jq -r '.summary | "\(.events == .produced) \(.drops) \(.by_kind.unshare) \(.by_kind.exec)"' <<<"$counted"
	assert_output "true 0 2 8"
	# the unsharing processes are attributed by the namespaces they had
	# at exit, though they were gone before the counts were read
	run jq -r '.summary.by_context | keys[]' <<<"$counted"
	assert_line '[ns uts]'
	assert_line '[ns net]'
}

@test "--count: a full key table is a named loss, never silence" {
	# 20000 exits are 20000 keys; the table holds 16384 (TRACE_COUNT_KEYS)
	run --separate-stderr "$ISOLENS" trace --count --json --events proc -- \
		sh -c "$TOP/tests/helpers/container_stress exits 20000 >/dev/null"
	assert_success
	run jq -r '.summary | "\(.lost.count_table_full > 0) \(.drops == ([.lost[]] | add)) \(.lost.ring_buffer_full)"' <<<"$output"
	assert_output "true true 0"
	# the text summary names the loss and what to do about it
	run --separate-stderr "$ISOLENS" trace --count --events proc -- \
		sh -c "$TOP/tests/helpers/container_stress exits 20000 >/dev/null"
	assert_success
	assert_line --regexp '^--- summary: .*, [1-9][0-9]* dropped \(count_table_full [1-9][0-9]*: narrow the selection\)$'
}

@test "--count: text summary on stdout; bad combinations are one line, exit 2" {
	run --separate-stderr "$ISOLENS" trace --count --events proc -- /bin/true
	assert_success
	assert_line --regexp '^--- summary: [0-9]+ events \(proc [0-9]+\), 0 dropped$'
	assert_line "  by kind: exec 1, exit 1"
	run "$ISOLENS" trace --count --stacks --duration 1
	assert_failure 2
	assert_output "isolens trace: --count and --stacks: a count has no stack (use one)"
	run "$ISOLENS" trace --count --backend module --duration 1
	assert_failure 2
	assert_output "isolens trace: --count needs the bpf backend: the module has no in-kernel counting"
}

@test "Ctrl-C detaches every program: none left in the kernel afterwards" {
	command -v bpftool >/dev/null || skip "bpftool not installed"
	# other tracers may run on this machine: judge only the programs ours added
	ids() { bpftool prog show | awk '/ name (unshare_enter|proc_fork) / {sub(":", "", $1); print $1}' | sort; }
	before=$(ids)
	"$ISOLENS" trace --events ns,proc,cgroup >/dev/null 2>"$ERR" &
	tracer=$!
	for _ in $(seq 300); do grep -q tracing "$ERR" && break; sleep 0.1; done
	# the programs are really there while tracing...
	ours=$(comm -13 <(echo "$before") <(ids))
	[ -n "$ours" ] || fail "no program of ours while tracing"
	kill -INT "$tracer"
	wait "$tracer"
	grep -q -- '--- summary' "$ERR" || fail "no summary: $(cat "$ERR")"
	# ... and gone after, links included
	run comm -12 <(echo "$ours") <(ids)
	assert_output ''
	for id in $ours; do
		run bash -c "bpftool link show | grep -w 'prog $id'"
		assert_failure
	done
}

@test "kvm: a guest's VM, vCPU and port write, attributed to the VM" {
	require_kvm
	[ -d /sys/kernel/tracing/events/kvm ] || mount -t tracefs none /sys/kernel/tracing 2>/dev/null || true
	[ -d /sys/kernel/tracing/events/kvm ] || skip "no kvm tracepoints (kvm not loaded)"
	run "$ISOLENS" trace --json --events kvm -- "$TOP/tests/helpers/kvm_hlt"
	assert_success
	echo "$output" | grep '^{' >"$OUT"
	run jq -r 'select(.kind == "kvm_create_vm" or .kind == "kvm_create_vcpu") | "\(.kind) \(.ret >= 0) \(.ctx.type)"' "$OUT"
	assert_output "kvm_create_vm true vm
kvm_create_vcpu true vm"
	run jq -r 'select(.kind == "kvm_pio") | "\(.dir) \(.port) \(.val) \(.vcpu) \(.ctx.type)"' "$OUT"
	assert_output "out 1016 75 0 vm"
}

@test "bad input: an unknown event class is one line, exit 2" {
	run "$ISOLENS" trace --events ns,bogus
	assert_failure 2
	assert_output "isolens trace: --events: unknown event class 'bogus' (known: proc, ns, cgroup, kvm, cap, all)"
}

@test "bad input: a container that does not exist is one line, exit 2" {
	run "$ISOLENS" trace --container no-such-ctr-$$
	assert_failure 2
	assert_equal "${#lines[@]}" 1
	assert_output --partial "no container named 'no-such-ctr-$$'"
}

@test "bad input: two selections, a missing pid, a cgroup v1 directory: exit 2" {
	run "$ISOLENS" trace --all --pid 1
	assert_failure 2
	run "$ISOLENS" trace --pid 999999999
	assert_failure 2
	assert_equal "${#lines[@]}" 1
	v1=$(awk '$3 == "cgroup" {print $2; exit}' /proc/self/mounts)
	[ -n "$v1" ] || skip "no cgroup v1 hierarchy here"
	run "$ISOLENS" trace --cgroup "$v1"
	assert_failure 2
	assert_output --partial "not on a cgroup v2 mount"
}

@test "bad input: not root is one line, exit 125" {
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ISOLENS" trace --duration 1
	assert_failure 125
	assert_output "isolens trace: needs root: loading BPF programs requires CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN"
}

@test "bad input: no kernel BTF is one line, exit 125" {
	ISOLENS_BTF=/nonexistent/vmlinux run "$ISOLENS" trace --duration 1
	assert_failure 125
	assert_equal "${#lines[@]}" 1
	assert_output --partial "no kernel BTF at /nonexistent/vmlinux"
}

@test "-- CMD: a missing command exits 127, its status passes through" {
	run -127 "$ISOLENS" trace --events proc -- /nonexistent/cmd
	assert_failure 127
	run "$ISOLENS" trace --events proc -- sh -c 'kill -TERM $$'
	assert_failure 143
}

@test "runc: a container started in the test is attributed to its id" {
	command -v runc >/dev/null || skip "runc is not installed"
	[ -x /bin/busybox ] || skip "busybox-static is not installed"
	b=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$b/rootfs/bin"
	cp /bin/busybox "$b/rootfs/bin/"
	for t in sh true sleep; do ln -s busybox "$b/rootfs/bin/$t"; done
	(cd "$b" && runc spec)
	jq '.process.args = ["/bin/sh", "-c", "/bin/sleep 1; /bin/true; /bin/true"] |
	    .process.terminal = false | .root.readonly = true' "$b/config.json" >"$b/c.json"
	mv "$b/c.json" "$b/config.json"
	id=isolens-trace-$$
	trace_json --events proc,ns -- runc run --bundle "$b" "$id"
	all_json
	# the container's processes: its init (sh) and the children it runs
	run jq -r 'select(.kind == "exec" and (.filename | startswith("/bin/"))) | "\(.filename) \(.ctx.type) \(.ctx.name)"' "$OUT"
	assert_line "/bin/sh container runc:$id"
	assert_line "/bin/sleep container runc:$id"
	assert_line "/bin/true container runc:$id"
	refute_output --partial " host "
	# runc itself, outside the container, stays on the host
	run jq -r 'select(.kind == "exec" and .comm == "runc") | .ctx.type' "$OUT"
	assert_line host
	# the namespaces runc created: pid 1 inside is the container's init
	run jq -r 'select(.kind == "exec" and .filename == "/bin/sh") | .ns_pid' "$OUT"
	assert_output 1
}

@test "ls: a process in its own namespaces is its own context, with its pid" {
	unshare -un sleep 30 &
	pid=$!
	for _ in $(seq 300); do
		[ "$(ns_ino $pid net)" != "$(ns_ino $$ net)" ] && break
		sleep 0.1
	done
	uts=$(ns_ino $pid uts)
	run "$ISOLENS" ls --json
	kill "$pid"
	assert_success
	run jq -r ".contexts[] | select(.pids | index($pid)) | \"\(.type) \(.differs) \(.pids | length) \(.ns.uts)\"" <<<"$output"
	assert_output "isolated net,uts 1 $uts"
}

@test "ls: text output lists the host first, then VMs" {
	run "$ISOLENS" ls
	assert_success
	assert_line --index 0 --regexp '^CONTEXT +PROCS +NAMESPACES +CGROUP +PIDS$'
	assert_line --index 1 --regexp '^\[host\] '
	assert_line --regexp '^VM +PID +RUNTIME +VCPUS$'
	run "$ISOLENS" ls --bogus
	assert_failure 2
}

@test "--stacks: each event carries its kernel stack, symbolized, glue skipped" {
	run --separate-stderr "$ISOLENS" trace --json --stacks --events proc -- sh -c '/bin/true'
	assert_success
	run jq -r 'select(.kind == "fork") | .stack[].sym' <<<"$output"
	assert_success
	# the fork path, by name from kallsyms, starting at the caller of the
	# tracepoint, not in the tracing machinery
	assert_line --index 0 --regexp '^(kernel_clone|copy_process)\+0x[0-9a-f]+'
	assert_line --regexp '^__x64_sys_(clone|vfork|fork|clone3)\+0x[0-9a-f]+'
	refute_output --partial bpf_trace_run
}

@test "isolens containers: attributed by name, and --container selects them" {
	name=trc-$$
	"$ISOLENS" container run --name "$name" -- sh -c 'while :; do sleep 0.2; done' >/dev/null 2>&1 &
	ctr=$!
	# running: its pid 1 is in a pid namespace of its own
	for _ in $(seq 300); do
		p=$(jq -r .pid "/run/isolens/containers/$name.json" 2>/dev/null || true)
		[ -n "$p" ] && [ "$p" != 0 ] && [ -e "/proc/$p" ] &&
			[ "$(ns_ino "$p" pid)" != "$(ns_ino $$ pid)" ] && break
		sleep 0.1
	done
	(sleep 0.5; /bin/true) &
	status=0
	trace_json --container "$name" --events proc --duration 2 || status=$?
	"$ISOLENS" container kill "$name" >/dev/null 2>&1 || true
	wait "$ctr" || true
	[ "$status" -eq 0 ] || fail "trace --container failed ($status): $(cat "$ERR")"
	# only the container's processes (its sleeps), all attributed to it
	run sh -c "jq -r 'select(.kind == \"exec\") | \"\(.ctx.type) \(.ctx.name) \(.ctx.own)\"' $OUT | sort -u"
	assert_output "container $name true"
	[ "$(jq -r 'select(.kind == "exec") | .pid' "$OUT" | wc -l)" -ge 3 ]
	run jq -r 'select(.kind == "exec") | .filename' "$OUT"
	refute_line /bin/true
}
