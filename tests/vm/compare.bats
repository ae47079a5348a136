#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens compare inside the lab VM (nested SVM, pure cgroup v2).  One
# hostname comparison is checked in depth against the VMM's own counters;
# every other built-in workload must run on both sides and give valid JSON.
# Each comparison boots a Linux VM under nested KVM on TCG: 20-60 s.

bats_require_minimum_version 1.5.0
load ../common

setup_file() {
	export CMP_DIR="$BATS_FILE_TMPDIR"
	# once for the whole file: the numbers every test below looks at
	"$ISOLENS" compare --workload hostname --json \
		--html "$CMP_DIR/report.html" --perfetto "$CMP_DIR/trace.json" \
		>"$CMP_DIR/out.json" 2>"$CMP_DIR/err.txt"
	echo $? >"$CMP_DIR/rc"
}

setup() {
	require_root
	require_hw_kvm
	require_cgroup2_controllers memory pids
}

@test "compare hostname: succeeds and prints one valid JSON object" {
	run cat "$CMP_DIR/rc"
	assert_output 0
	run jq -e '.schema == "isolens-compare/1" and .workload == "hostname"' "$CMP_DIR/out.json"
	assert_success
}

@test "compare hostname: the JSON has every field docs/compare.md documents, with its type" {
	run jq -e '
	  (.container | (.status|type)=="number" and (.startup_ms|type)=="number"
	     and (.uname|type)=="string" and (.host_kernel|type)=="boolean"
	     and (.rss_peak_kib|type)=="number" and (.cgroup_memory_peak_bytes|type)=="number"
	     and (.syscalls.total|type)=="number" and (.syscalls.distinct|type)=="number"
	     and (.syscalls.by_category|keys)==(["file","ipc","memory","net","ns","other","process","signal","time"])
	     and (.runtime_syscalls.total|type)=="number" and (.ns_ops|type)=="number"
	     and (.cgroup_events|type)=="number" and (.cap_checks|type)=="number"
	     and (.limits.memory_max_bytes|type)=="number")
	  and (.vm | (.guest_syscalls_seen_by_host|type)=="number"
	     and (.vmm_syscalls.total|type)=="number" and (.exits.total|type)=="number"
	     and (.exits.in_kernel|type)=="number" and (.exits.to_vmm|type)=="number"
	     and (.exits.by_reason|type)=="object" and (.exits.by_group|type)=="object"
	     and (.vmm_counters.userspace_exits|type)=="number"
	     and (.guest_ram_bytes|type)=="number" and (.startup_ms|type)=="number")
	  and (.trace.drops|type)=="number" and (.conclusion|type)=="string"' "$CMP_DIR/out.json"
	assert_success
}

@test "compare hostname: both sides ran the command and saw the host's release" {
	local rel
	rel=$(uname -r)
	run jq -r '.container.status, .vm.status, .container.uname, .vm.uname' "$CMP_DIR/out.json"
	assert_output "0
0
$rel
$rel"
	# the host kernel refuses the container's root (no CAP_SYS_ADMIN), the
	# guest's own kernel lets the guest's root set its hostname
	run jq -r '.container.output' "$CMP_DIR/out.json"
	assert_line --partial "sethostname: Operation not permitted"
	refute_line "isolens-demo"
	run jq -r '.vm.output' "$CMP_DIR/out.json"
	assert_line "isolens-demo"
	run jq -e '.container.cap_denied >= 1' "$CMP_DIR/out.json"
	assert_success
}

@test "compare hostname: the container's syscalls reach the host kernel, the guest's do not" {
	# the container's sethostname and uname are counted on the host ...
	run jq -e '.container.syscalls.by_name.sethostname >= 1 and .container.syscalls.by_name.uname >= 1
		and .container.host_kernel == true' "$CMP_DIR/out.json"
	assert_success
	# ... the guest's sethostname and uname never are: the only VM-side
	# process on the host is the VMM, and it makes neither call
	run jq -e '.vm.guest_syscalls_seen_by_host == 0 and .vm.host_kernel == false
		and (.vm.vmm_syscalls.by_name.sethostname // 0) == 0
		and (.vm.vmm_syscalls.by_name.uname // 0) == 0
		and .vm.vmm_syscalls.by_name.ioctl > 0' "$CMP_DIR/out.json"
	assert_success
}

@test "compare hostname: traced exits agree with the VMM's own counters" {
	run jq -r '[.vm.exits.total, .vm.exits.to_vmm, .vm.exits.in_kernel,
		    .vm.vmm_counters.userspace_exits, .vm.vmm_counters.kernel_exits,
		    .trace.drops] | @tsv' "$CMP_DIR/out.json"
	assert_success
	read -r total to_vmm in_kernel vmm_user vmm_kernel drops <<<"$output"
	[ "$drops" -eq 0 ]
	[ "$total" -gt 0 ]
	# kvm_userspace_exit records = the VMM's count of exits it handled
	[ "$to_vmm" -eq "$vmm_user" ]
	# kvm_exit records = every exit KVM counted (its "exits" statistic)
	[ "$total" -eq $((vmm_user + vmm_kernel)) ]
	[ "$in_kernel" -eq "$vmm_kernel" ]
	run jq -e '([.vm.exits.by_reason[]] | add) == .vm.exits.total
		and ([.vm.exits.by_group[]] | add) == .vm.exits.total' "$CMP_DIR/out.json"
	assert_success
}

@test "compare hostname: the container's isolation shows as namespace and cgroup work" {
	run jq -e '.container.ns_ops >= 1 and .container.cgroup_events >= 1
		and .container.cgroup_memory_peak_bytes > 0 and .vm.ns_ops == 0
		and .container.startup_ms > 0 and .vm.startup_ms > 0' "$CMP_DIR/out.json"
	assert_success
}

@test "compare hostname: kernel stacks name where each side's isolation happened" {
	# every name comes from kallsyms: no raw address is left
	run jq -r '.container.hot_paths, .vm.hot_paths | .functions[].name, .top_stacks[].frames[]' "$CMP_DIR/out.json"
	assert_success
	refute_line --regexp '^0x'
	# the container's checkpoints are the host kernel's capability and
	# namespace code; its sethostname is among the stacks
	run jq -e '.container.hot_paths.stacks > 0 and (.container.hot_paths.functions | length) > 0
		and ([.container.hot_paths.top_stacks[].checkpoint] | any(. == "cap_check" or . == "ns_switch" or . == "unshare" or . == "clone"))' "$CMP_DIR/out.json"
	assert_success
	# the VM's are KVM's exit handling, entered from the VMM's KVM_RUN ioctl
	run jq -e '.vm.hot_paths.stacks > 0
		and ([.vm.hot_paths.top_stacks[].frames[]] | any(test("svm|vmx|kvm|vcpu")))
		and ([.vm.hot_paths.top_stacks[].frames[]] | any(test("sethostname")) | not)' "$CMP_DIR/out.json"
	assert_success
	run jq -r '.conclusion' "$CMP_DIR/out.json"
	assert_output --regexp "checkpoints ran most often in the host kernel's [a-z_0-9.]+\(\)"
}

@test "compare hostname: the HTML parses and holds the charts; the Perfetto trace is valid JSON" {
	run python3 - "$CMP_DIR/report.html" <<'PY'
import sys
from html.parser import HTMLParser
void = {"meta", "br", "img", "hr", "input", "link"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.svg, self.rect = [], 0, 0
    def handle_starttag(self, tag, attrs):
        self.svg += tag == "svg"
        self.rect += tag == "rect"
        if tag not in void:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.rect += tag == "rect"
    def handle_endtag(self, tag):
        if tag in void:
            return
        if not self.stack or self.stack.pop() != tag:
            sys.exit("unbalanced </%s>" % tag)
p = P()
p.feed(open(sys.argv[1]).read())
p.close()
if p.stack:
    sys.exit("unclosed: %s" % p.stack)
print(p.svg, p.rect)
PY
	assert_success
	read -r svgs rects <<<"$output"
	[ "$svgs" -eq 3 ]
	grep -q '<h2>Where isolation happened</h2>' "$CMP_DIR/report.html"
	[ "$rects" -gt 10 ]
	run jq -e '(.traceEvents | length) > 4
		and ([.traceEvents[] | select(.ph == "X")] | length) >= 4
		and ([.traceEvents[] | select(.ph == "C")] | length) >= 1' "$CMP_DIR/trace.json"
	assert_success
}

@test "compare: the terminal report has both columns and a conclusion from the numbers" {
	run --separate-stderr "$ISOLENS" compare --workload ps
	assert_success
	assert_line --partial "CONTAINER"
	assert_line --partial "MICRO-VM"
	assert_line --regexp "^  exits \(kvm_exit\) +- +[0-9]+$"
	assert_line --regexp "^  The container's command entered the host kernel [0-9]+ times"
}

@test "compare: every other built-in workload runs on both sides" {
	local w
	for w in net fork-bomb alloc; do
		run --separate-stderr "$ISOLENS" compare --workload "$w" --json
		echo "# $w: rc=$status $(jq -c '[.container.status, .vm.status, .container.pids_limit_hits, .container.oom_kills, .container.syscalls.total, .vm.exits.total]' <<<"$output")" >&3
		assert_success
		jq -e --arg w "$w" '.workload == $w and .container.uname != "" and .vm.uname != ""
			and .vm.guest_syscalls_seen_by_host == 0' <<<"$output"
	done
}

@test "compare io: the VM's file I/O crosses virtio-blk, the container's is its own syscalls" {
	run --separate-stderr "$ISOLENS" compare --workload io --json --html "$CMP_DIR/io.html"
	echo "# io: rc=$status $(jq -c '[.container.status, .vm.status, .container.disk_io, .vm.disk_io]' <<<"$output")" >&3
	assert_success
	jq -e '.workload == "io" and .container.status == 0 and .vm.status == 0
		and .container.uname != "" and .vm.uname != ""
		and .vm.guest_syscalls_seen_by_host == 0
		and (.container.output | test("read back 16 MiB"))
		and (.vm.output | test("read back 16 MiB"))' <<<"$output"
	# the VM: requests on its root disk, at least the 16 MiB written,
	# read back from the disk (the guest's page cache was dropped),
	# flushed, and served by the VMM's own write syscalls
	jq -e '.vm.disk_io.files_on == "guest-ext4-virtio-blk"
		and .vm.disk_io.disk.device == "/dev/vda"
		and .vm.disk_io.disk.requests > 0 and .vm.disk_io.disk.errors == 0
		and .vm.disk_io.disk.written_bytes >= 16777216
		and .vm.disk_io.disk.read_bytes >= 16777216
		and .vm.disk_io.disk.flushes > 0
		and .vm.disk_io.disk.doorbells > 0 and .vm.disk_io.disk.irqs > 0
		and .vm.disk_io.disk.doorbells_via == "ioeventfd"
		and .vm.disk_io.syscalls.writes > 0 and .vm.disk_io.syscalls.syncs > 0
		and .vm.vmm_syscalls.by_name.pwritev > 0 and .vm.vmm_syscalls.by_name.fdatasync > 0' <<<"$output"
	# the container: no disk, its own read/write/fsync into the host kernel
	jq -e '.container.disk_io.files_on == "host-tmpfs" and .container.disk_io.disk == null
		and .container.disk_io.syscalls.writes >= 256 and .container.disk_io.syscalls.syncs >= 1
		and .container.disk_io.syscalls.writes >= .container.syscalls.by_name.write
		and .container.syscalls.by_name.fsync >= 1' <<<"$output"
	# the same rows in the report table: "-" for the container's disk
	grep -q '<th class="sec" colspan="3">Disk I/O (what the files cost the host)</th>' "$CMP_DIR/io.html"
	grep -Eq '<tr><td>virtio-blk requests \(errors\)</td><td>-</td><td>[1-9][0-9]* \(0\)</td></tr>' "$CMP_DIR/io.html"
	grep -Eq '<tr><td>write syscalls into host</td><td>[1-9][0-9]* \(write [0-9]+\)</td><td>[1-9][0-9]* by the VMM \(.*pwritev [1-9]' "$CMP_DIR/io.html"
}

@test "compare -- CMD runs a custom command on both sides" {
	run --separate-stderr "$ISOLENS" compare --json -- echo custom
	assert_success
	# the command is shell-quoted word by word
	jq -e --arg cmd "'echo' 'custom'" '.workload == "" and .command == $cmd
		and .container.output == "custom\n" and .vm.output == "custom\n"' <<<"$output"
}
