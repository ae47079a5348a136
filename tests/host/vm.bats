#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens vm: teaching guests and bad input.  These need only a /dev/kvm
# that runs a flat guest (the paravirtual KVM of the dev host does); Linux
# boots are in tests/vm/vm.bats.

bats_require_minimum_version 1.5.0
load ../common

@test "vm guests lists the teaching guests" {
	run "$ISOLENS" vm guests
	assert_success
	assert_line --partial "hello-real"
	assert_line --partial "hello-long"
	assert_line --partial "exits"
	assert_line --partial "hostile"
}

@test "vm run --guest hello-real prints its greeting and halts" {
	require_kvm
	run "$ISOLENS" vm run --guest hello-real
	assert_success
	assert_output "Hello from real mode!"
}

@test "vm run --guest hello-real --explain: one IO exit per byte, then HLT" {
	require_kvm
	run "$ISOLENS" vm run --guest hello-real --explain
	assert_success
	assert_line --partial "console| Hello from real mode!"
	assert_line --regexp '^  #1 +vcpu0 IO +out port 0x03f8 size 1 data 0x48 .H. +-> VMM serial'
	assert_line --regexp '^  #23 +vcpu0 HLT'
	assert_line --partial "stop: guest halted"
	assert_line --partial "exits handled by the VMM (userspace): IO=22 HLT=1 (total 23)"
}

@test "vm run --guest hello-long enters 64-bit mode and prints" {
	require_kvm
	run "$ISOLENS" vm run --guest hello-long --stats
	assert_success
	assert_line "Hello from 64-bit long mode!"
	assert_line --partial "IO=29 HLT=1 (total 30)"
	assert_line --partial "seccomp filter: installed"
}

@test "vm run --stats=json: the same counters as one JSON line on stderr" {
	require_kvm
	run --separate-stderr "$ISOLENS" vm run --guest hello-long --stats=json
	assert_success
	assert_line "Hello from 64-bit long mode!"
	[ "${#stderr_lines[@]}" -eq 1 ]
	jq -e '.schema == "isolens-vm-stats/1" and .stop == "halted"
		and .userspace_exits.total == 30 and .userspace_exits.by_reason == {"IO": 29, "HLT": 1}
		and (.kernel_exits | type) == "number" and .seccomp == true
		and .ignored.mmio == 0' <<<"$stderr"
	run -2 --separate-stderr "$ISOLENS" vm run --guest hello-long --stats=xml
	[ "$stderr" = "isolens vm: bad --stats=xml: expected text or json" ]
}

@test "vm run --guest exits shows each kind of exit and who handled it" {
	require_kvm
	run "$ISOLENS" vm run --guest exits --explain
	assert_success
	assert_line --regexp 'console\| cpuid vendor: [A-Za-z]{12}$'
	assert_line --partial "console| rdmsr 0x10 (TSC): answered by KVM"
	assert_line --regexp 'IO +in  port 0x03fd size 1 .*-> VMM serial'
	assert_line --regexp 'MMIO +write 0xd0000 size 4 data 0x12345678 +-> no device: counted, ignored'
	assert_line --regexp 'MMIO +read  0xd0004 size 4 data 0xffffffff +-> no device: counted, ignored'
	assert_line --regexp 'IO +out port 0x1234 size 1 .*-> no device: counted, ignored'
	assert_line --regexp 'HLT +-> VMM'
	assert_line --partial "unknown ports 1, unknown MMIO 2"
}

@test "vm run --guest exits: an unknown MSR goes to the VMM when KVM forwards it" {
	require_kvm
	run "$ISOLENS" vm run --guest exits --explain
	assert_success
	# KVM_CAP_X86_USER_SPACE_MSR is optional; the guest skips the step without it
	if [[ "$output" != *X86_RDMSR* ]]; then
		skip "this KVM does not forward unknown MSRs (KVM_CAP_X86_USER_SPACE_MSR)"
	fi
	assert_line --regexp 'X86_RDMSR msr 0x4e4c5349 data 0x21736e656c6f7369 +-> VMM MSR handler'
	assert_line --partial "console| rdmsr 0x4e4c5349: answered by the VMM: isolens!"
}

@test "vm run --guest hostile: random port and MMIO writes do not crash the VMM" {
	require_kvm
	local i
	for i in 1 2 3; do
		run --separate-stderr "$ISOLENS" vm run --guest hostile --stats
		assert_success
		[[ "$output" == *"hostile: done"* ]]
		[[ "$stderr" =~ unknown\ MMIO\ 8192 ]]
		[[ "$stderr" == *"stop: guest halted"* ]]
	done
}

@test "vm run --guest virtio-hostile: a lying driver gets a reset device and a log line; both disks go on serving" {
	require_kvm
	local a=$BATS_TEST_TMPDIR/a.img b=$BATS_TEST_TMPDIR/b.img
	truncate -s 1M "$a" "$b"
	printf 'ISOLENS!' | dd of="$b" conv=notrunc status=none
	run --separate-stderr "$ISOLENS" vm run --guest virtio-hostile --disk "$a" --disk "$b" --stats
	echo "$output"
	echo "$stderr"
	assert_success
	refute_output --partial FAIL
	# three attacks, each followed by a good read after the reset, then disk 1
	[ "$(grep -c '^ok: ' <<<"$output")" -eq 7 ]
	# the VMM said what was wrong, once per attack, naming the device
	[[ "$stderr" == *"isolens vm: virtio-blk0: queue 0: descriptor 0 loops"* ]]
	[[ "$stderr" == *"isolens vm: virtio-blk0: queue 0: descriptor 1: [0xf0000000, +512) is outside RAM"* ]]
	[[ "$stderr" == *"isolens vm: virtio-blk0: queue 0: available index 100 is 100 entries past 0"* ]]
	[ "$(grep -c '^isolens vm: virtio-blk' <<<"$stderr")" -eq 3 ]
	[[ "$stderr" == *"disk vdb: 1 requests, 512 bytes read"* ]]
	[[ "$stderr" == *"seccomp filter: installed"* ]]
}

@test "vm run --guest virtio-hostile without disks says what it needs" {
	require_kvm
	run "$ISOLENS" vm run --guest virtio-hostile
	assert_success
	assert_output --partial "needs two virtio-blk disks"
}

@test "vm run: unknown guest is a usage error" {
	run --separate-stderr "$ISOLENS" vm run --guest nope
	assert_failure 2
	[ "$stderr" = "isolens vm: unknown guest 'nope' (see 'isolens vm guests')" ]
}

@test "vm run: a missing kernel is one line, exit 125" {
	run --separate-stderr "$ISOLENS" vm run --kernel /nonexistent/bzImage -- true
	assert_failure 125
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"/nonexistent/bzImage: No such file or directory"* ]]
}

@test "vm run: a non-bzImage kernel is one line, exit 125" {
	run --separate-stderr "$ISOLENS" vm run --kernel /bin/true -- true
	assert_failure 125
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"not a bzImage: boot_flag"* ]]
}

@test "vm run: a truncated kernel is one line, exit 125" {
	local k
	k=$(ls /boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -r "$k" ] || skip "no readable /boot/vmlinuz-* to truncate"
	head -c 1000000 "$k" > "$BATS_TEST_TMPDIR/short"
	run --separate-stderr "$ISOLENS" vm run --kernel "$BATS_TEST_TMPDIR/short" -- true
	assert_failure 125
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"truncated bzImage: syssize"* ]]
}

@test "vm run: absurd --mem and --cpus are usage errors" {
	local bad
	for bad in 0 1K 100T 12Q -5 4097; do
		run --separate-stderr "$ISOLENS" vm run --mem "$bad" -- true
		assert_failure 2
		[[ "$stderr" == "isolens vm: bad --mem '$bad'"* ]]
	done
	run --separate-stderr "$ISOLENS" vm run --cpus 0 -- true
	assert_failure 2
	run --separate-stderr "$ISOLENS" vm run --cpus 99 -- true
	assert_failure 2
}

@test "vm run: without /dev/kvm it says so in one line, exit 125" {
	require_root
	command -v unshare >/dev/null || skip "no unshare(1)"
	run --separate-stderr unshare -m sh -c \
		'mount -t tmpfs none /dev && exec "$0" vm run --guest hello-real' "$ISOLENS"
	assert_failure 125
	[ "$stderr" = "isolens vm: cannot open /dev/kvm: No such file or directory (KVM is not available here)" ]
}

@test "vm run: a kernel too big for --mem, or a too-long command line, exit 2" {
	require_kvm
	ls /boot/vmlinuz-* >/dev/null 2>&1 || skip "no /boot/vmlinuz-* installed"
	run --separate-stderr "$ISOLENS" vm run --mem 32M -- true
	assert_failure 2
	[[ "$stderr" =~ ^isolens\ vm:\ --mem\ 32\ MiB\ is\ too\ small\ for\ this\ kernel ]]
	run --separate-stderr "$ISOLENS" vm run --cmdline "$(printf 'x%.0s' $(seq 1 3000))" -- true
	assert_failure 2
	[[ "$stderr" == *"kernel command line is 3000 bytes, the kernel accepts"* ]]
}

@test "vm run --disk: a bad flag, no file or too many disks are usage errors, one line" {
	run --separate-stderr "$ISOLENS" vm run --disk x,rw -- true
	assert_failure 2
	[ "$stderr" = "isolens vm: bad --disk 'x,rw': unknown flag 'rw' (expected ro, direct)" ]
	run --separate-stderr "$ISOLENS" vm run --disk ,ro -- true
	assert_failure 2
	[ "$stderr" = "isolens vm: bad --disk ',ro': no file (expected FILE[,ro][,direct])" ]
	run --separate-stderr "$ISOLENS" vm run --disk a --disk b --disk c --disk d --disk e -- true
	assert_failure 2
	[ "$stderr" = "isolens vm: bad --disk 'e': at most 4 disks" ]
	run --separate-stderr "$ISOLENS" vm run --rootfs x --disk a --disk b --disk c --disk d -- true
	assert_failure 2
	[ "$stderr" = "isolens vm: too many disks: --rootfs and 4 --disk, at most 4 in all" ]
	# teaching guests take disks, but not the Linux userland's options
	run --separate-stderr "$ISOLENS" vm run --guest hello-real --rootfs default
	assert_failure 2
	[[ "$stderr" == "isolens vm: --guest runs a built-in guest: no "*"--rootfs"* ]]
	run --separate-stderr "$ISOLENS" vm run --guest hello-real --bzimage
	assert_failure 2
	[[ "$stderr" == "isolens vm: --guest runs a built-in guest: no "*"--bzimage"* ]]
	run --separate-stderr "$ISOLENS" vm run --initrd /dev/null --rootfs x -- true
	assert_failure 2
	[ "$stderr" = "isolens vm: --rootfs and --modules need the default initramfs (drop --initrd)" ]
}

@test "vm run --disk: a missing, non-regular or unwritable image is one line, exit 125" {
	run --separate-stderr "$ISOLENS" vm run --disk "$BATS_TEST_TMPDIR/nope.img" -- true
	assert_failure 125
	[ "$stderr" = "isolens vm: bad --disk '$BATS_TEST_TMPDIR/nope.img': No such file or directory" ]
	run --separate-stderr "$ISOLENS" vm run --disk "$BATS_TEST_TMPDIR,ro" -- true
	assert_failure 125
	[ "$stderr" = "isolens vm: bad --disk '$BATS_TEST_TMPDIR': not a regular file" ]
	if [ "$(id -u)" -ne 0 ]; then
		truncate -s 1M "$BATS_TEST_TMPDIR/ro.img"
		chmod 0444 "$BATS_TEST_TMPDIR/ro.img"
		run --separate-stderr "$ISOLENS" vm run --disk "$BATS_TEST_TMPDIR/ro.img" -- true
		assert_failure 125
		[ "$stderr" = "isolens vm: bad --disk '$BATS_TEST_TMPDIR/ro.img': Permission denied (add ,ro to only read it)" ]
	fi
}

@test "vm run --rootfs: a missing directory or one without /bin/sh is one line, exit 125" {
	run --separate-stderr "$ISOLENS" vm run --rootfs "$BATS_TEST_TMPDIR/nope" -- true
	assert_failure 125
	[ "$stderr" = "isolens vm: bad --rootfs '$BATS_TEST_TMPDIR/nope': No such file or directory" ]
	mkdir "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr "$ISOLENS" vm run --rootfs "$BATS_TEST_TMPDIR/empty" -- true
	assert_failure 125
	[ "$stderr" = "isolens vm: bad --rootfs '$BATS_TEST_TMPDIR/empty': no /bin/sh in it" ]
}

@test "vm run --modules: a directory without modules is one line, exit 125" {
	local k
	k=$(ls /boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -r "$k" ] || skip "no readable /boot/vmlinuz-*"
	run --separate-stderr "$ISOLENS" vm run --kernel "$k" --modules "$BATS_TEST_TMPDIR" -- true
	assert_failure 125
	[ "$stderr" = "isolens vm: bad --modules '$BATS_TEST_TMPDIR': no modules.dep nor modules.order there" ]
}
