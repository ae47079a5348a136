#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens vm inside the lab VM, where /dev/kvm is nested SVM: Linux boots.
# A boot under nested KVM on TCG takes 10-30 s; every run has a --timeout
# so that a hang fails the test instead of the suite.

bats_require_minimum_version 1.5.0
load ../common

VMRUN_TIMEOUT=300

setup() {
	require_hw_kvm
}

kernel_release() {
	local k
	k=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
	basename "$k" | sed 's/^vmlinuz-//'
}

@test "vm: Linux boots from its cached vmlinux, reaches the init marker, runs uname -r, sees the ACPI tables and 8 virtio-mmio slots" {
	run --separate-stderr "$ISOLENS" vm run --stats --timeout $VMRUN_TIMEOUT -- sh -c \
		'uname -r; ls -1 /sys/firmware/acpi/tables /sys/bus/acpi/devices /sys/bus/platform/devices'
	assert_success
	assert_line --index 0 "$(kernel_release)"
	for t in APIC DSDT FACP; do
		assert_line "$t"
	done
	for i in 0 1 2 3 4 5 6 7; do
		assert_line "LNRO0005:0$i"
	done
	# each slot on the ACPI bus and, bound, on the platform bus
	[ "$(printf '%s\n' "$output" | grep -c '^LNRO0005:')" -eq 16 ]
	[[ "$stderr" =~ init\ marker\ reached\ after\ [0-9.]+\ ms ]]
	[[ "$stderr" =~ kernel:\ the\ vmlinux\ (decompressed\ now\ into|from)\ /.*/vmlinux-$(kernel_release)-[0-9a-f]+-[0-9a-f]+\.elf ]]
	# the kernel ran where it was linked: the decompressor's KASLR never ran
	[[ "$output" != *"KASLR"* ]]
	[[ "$stderr" == *"stop: guest reported its exit status"* ]]
	[[ "$stderr" == *"seccomp filter: installed"* ]]
}

@test "vm: the guest command's exit status becomes ours" {
	run -3 "$ISOLENS" vm run --timeout $VMRUN_TIMEOUT -- sh -c 'exit 3'
	assert_failure 3
	run -127 "$ISOLENS" vm run --timeout $VMRUN_TIMEOUT -- no-such-command
	assert_failure 127
}

@test "vm: --cpus 2 gives nproc 2 in the guest; without disks no module loads; --bzimage boots the image as it is" {
	run --separate-stderr "$ISOLENS" vm run --bzimage --stats --cpus 2 --timeout $VMRUN_TIMEOUT -- sh -c 'nproc; wc -l < /proc/modules'
	assert_success
	assert_output "2
0"
	[[ "$stderr" == *"kernel: the bzImage (as asked)"* ]]
}

@test "vm: the console works both ways (stdin in, stdout out)" {
	run sh -c "printf 'hello from the host\n' | '$ISOLENS' vm run --timeout $VMRUN_TIMEOUT -- sh -c 'read line; echo \"got:\$line\"'"
	assert_success
	assert_line --partial "got:hello from the host"
}

@test "vm: a reboot stops the VM with exit 125" {
	run --separate-stderr "$ISOLENS" vm run --timeout $VMRUN_TIMEOUT -- reboot -f
	assert_failure 125
	[[ "$stderr" == *"rebooted before reporting a status"* ]]
}

@test "vm: vCPU threads are named isolens-vcpuN and seccomp-confined" {
	local pid i comms=""
	"$ISOLENS" vm run --cpus 2 --timeout $VMRUN_TIMEOUT -- sleep 600 \
		>/dev/null 2>&1 </dev/null &
	pid=$!
	for i in $(seq 1 300); do
		comms=$(cat /proc/$pid/task/*/comm 2>/dev/null | sort | tr '\n' ' ')
		[[ "$comms" == *isolens-vcpu1* ]] &&
			grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status && break
		sleep 0.1
	done
	grep '^Seccomp:' /proc/$pid/status
	kill $pid
	wait $pid || true
	[[ "$comms" == *isolens-vcpu0* ]]
	[[ "$comms" == *isolens-vcpu1* ]]
}

@test "vm: the teaching guests behave the same on hardware-backed KVM" {
	run "$ISOLENS" vm run --guest hello-real --explain
	assert_success
	assert_line --partial "console| Hello from real mode!"
	assert_line --partial "IO=22 HLT=1 (total 23)"
	run "$ISOLENS" vm run --guest hello-long
	assert_success
	assert_output "Hello from 64-bit long mode!"
	run "$ISOLENS" vm run --guest exits --explain
	assert_success
	assert_line --regexp 'X86_RDMSR msr 0x4e4c5349 .*-> VMM MSR handler'
	assert_line --regexp 'MMIO +write 0xd0000 size 4 data 0x12345678'
	assert_line --regexp 'exits handled inside KVM \(kernel\): [1-9][0-9]*'
}

@test "vm: a hostile guest does not crash the VMM" {
	run --separate-stderr "$ISOLENS" vm run --guest hostile --stats
	assert_success
	[[ "$output" == *"hostile: done"* ]]
	[[ "$stderr" == *"unknown MMIO 8192"* ]]
}

# The newest Debian cloud kernel deps.sh unpacked (never installed) on the
# host; the lab VM sees the directory read-only.
cloud_kernel() {
	ls /var/cache/isolens/kernels/linux-image-*-cloud-amd64/boot/vmlinuz-* 2>/dev/null |
		sort -V | tail -n 1
}

# One boot of the other kernel: no /dev/port (the marker and status go
# through the outb helper), no MP-table support (its CPUs come from the
# MADT), no modules.dep (its modules come from beside it, by .modinfo).
@test "vm: Debian's cloud kernel: marker and status without /dev/port, CPUs from the MADT, modules from beside it" {
	local k
	k=$(cloud_kernel)
	[ -n "$k" ] || skip "no Debian cloud kernel under /var/cache/isolens/kernels (make deps, as root on the host, unpacks one)"
	truncate -s 16M "$BATS_TEST_TMPDIR/d.img"
	run --separate-stderr "$ISOLENS" vm run --kernel "$k" --cpus 2 --stats --timeout $VMRUN_TIMEOUT \
		--disk "$BATS_TEST_TMPDIR/d.img,ro" \
		-- sh -c 'uname -r; test ! -e /dev/port && echo no-dev-port; echo "cpus $(nproc)"; lsmod; grep -w ext4 /proc/filesystems'
	echo "$output"
	echo "$stderr"
	assert_success
	assert_line "${k##*/vmlinuz-}"
	assert_line no-dev-port
	assert_line "cpus 2"
	assert_line --regexp "^virtio_blk "
	assert_line --regexp "^virtio_mmio "
	assert_line --regexp "ext4$"
	# the cloud kernel's payload is lz4
	[[ "$stderr" == *"kernel: the vmlinux "*"/vmlinux-${k##*/vmlinuz-}-"* ]]
	[[ "$stderr" =~ init\ marker\ reached\ after\ [0-9.]+\ ms ]]
	[[ "$stderr" == *"stop: guest reported its exit status"* ]]
}

# ACPI S5 through the FADT's sleep register: the run ends at the write,
# not at the next halt probe, a second after every vCPU stopped.
@test "vm: a guest that powers off without a status ends the run with 125" {
	run --separate-stderr "$ISOLENS" vm run --cpus 2 --stats=json --timeout $VMRUN_TIMEOUT -- poweroff -f
	echo "$stderr"
	assert_failure 125
	[[ "$stderr" == *"isolens vm: the guest powered off before reporting a status"* ]]
	[[ "$stderr" == *'"stop":"poweroff"'* ]]
}

# Without ACPI (acpi=off) Linux can only halt: the halt probe ends the run.
@test "vm: a guest that halts for good without a status ends the run with 125" {
	run --separate-stderr "$ISOLENS" vm run --append acpi=off --stats=json --timeout $VMRUN_TIMEOUT -- poweroff -f
	echo "$stderr"
	assert_failure 125
	[[ "$stderr" == *"isolens vm: the guest halted (power off or halt) before reporting a status"* ]]
	[[ "$stderr" == *'"stop":"halted"'* ]]
}

@test "vm: a vCPU thread that cannot start fails the run in one line" {
	require_cgroup2_controllers pids
	local cg=/sys/fs/cgroup/isolens-vm-threads
	mkdir -p "$cg"
	# the VMM's main thread, KVM's kvm-nx-lpage-recovery thread (where
	# the host has one) and some vCPU threads, not all eight
	echo 4 > "$cg/pids.max"
	run --separate-stderr timeout 120 sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' \
		sh "$cg" "$ISOLENS" vm run --cpus 8 --timeout 60 -- true
	rmdir "$cg"
	echo "$stderr"
	assert_failure 125
	[[ "$stderr" =~ ^isolens\ vm:\ cannot\ start\ vCPU\ thread\ [1-7]:\ Resource\ temporarily\ unavailable$ ]]
}

# CMD... with stdout a one-page pipe that is already full and that nobody
# reads, and stdin a pipe that stays open without data; exits with CMD's
# status (or 137 after 150 s).
full_pipe() {
	timeout -s KILL 150 python3 -c '
import fcntl, os, subprocess, sys
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: one page
os.set_blocking(w, False)
try:
    while True:
        os.write(w, b"x" * 512)
except BlockingIOError:
    pass
os.set_blocking(w, True)
rin, win = os.pipe()
sys.exit(subprocess.run(sys.argv[1:], stdin=rin, stdout=w).returncode)
' "$@"
}

# Before, the UART wrote stdout under its lock and the main loop waited for
# that lock: a full pipe (isolens vm run -- dmesg | less) hung the VMM.
@test "vm: --timeout ends a run whose console output nobody reads, with 124" {
	local t0=$SECONDS marker
	run --separate-stderr full_pipe "$ISOLENS" vm run --timeout 20s --stats=json -- yes
	echo "$stderr"
	echo "exit $status after $((SECONDS - t0)) s"
	assert_failure 124
	[ $((SECONDS - t0)) -lt 35 ]
	[[ "$stderr" == *"isolens vm: timeout: the VM was stopped"* ]]
	[[ "$stderr" == *'"stop":"timeout"'* ]]
	# output was stuck, not lost on the way, if the command got to run
	marker=$(printf '%s\n' "$stderr" | grep '^{' | jq .marker_ns)
	if [ "$marker" != null ] && [ "$marker" -lt 15000000000 ]; then
		[[ "$stderr" =~ \"console_dropped\":[1-9] ]]
	fi
}

# --- disks (virtio-blk over virtio-mmio) -----------------------------------
# The module tests need only the initramfs; the others need the VMM's
# virtio-blk device and the ACPI tables that let the kernel find it.

# blank_ext4 FILE: an empty 16 MiB ext4 image
blank_ext4() {
	mke2fs -q -F -t ext4 "$1" 16M
}

@test "vm: --rootfs default and a --disk: modules, root on vda, the disk on vdb, its data kept" {
	blank_ext4 "$BATS_TEST_TMPDIR/d.img"
	debugfs -w -R 'mkdir marker-dir' "$BATS_TEST_TMPDIR/d.img"
	# one boot: the disk modules load before the command, the command runs
	# on the containers' busybox tree as ext4 on vda, the --disk is vdb,
	# and what the guest writes there is in the image afterwards
	run --separate-stderr "$ISOLENS" vm run --timeout $VMRUN_TIMEOUT --rootfs default \
		--disk "$BATS_TEST_TMPDIR/d.img" -- sh -c 'lsmod; grep -w ext4 /proc/filesystems
			cat /.isolens-rootfs; grep " / " /proc/mounts
			mkdir -p /mnt && mount -t ext4 /dev/vdb /mnt && ls -1 /mnt &&
			echo from-the-guest > /mnt/f && umount /mnt'
	echo "$output"
	echo "$stderr"
	assert_success
	local m
	for m in virtio_ring virtio virtio_mmio virtio_blk jbd2 ext4; do
		assert_line --regexp "^$m "
	done
	assert_line --regexp "ext4$"
	assert_line "busybox rootfs built by isolens"
	assert_line --regexp '^/dev/vda / ext4 rw'
	assert_line marker-dir
	run debugfs -R 'cat /f' "$BATS_TEST_TMPDIR/d.img"
	assert_output --partial from-the-guest
}

@test "vm: --rootfs gives each run a private copy: guest writes never reach the cache" {
	local image
	image=$("$ISOLENS" vm image default)
	run --separate-stderr "$ISOLENS" vm run --timeout $VMRUN_TIMEOUT --rootfs default \
		-- sh -c 'test ! -e /written && echo hi > /written && sync && cat /written'
	echo "$stderr"
	assert_success
	assert_output hi
	# the cached image the next run copies has no /written
	[ "$("$ISOLENS" vm image default)" = "$image" ]
	run debugfs -R 'stat /written' "$image"
	assert_output --partial "File not found"
}

@test "vm: a ro --disk is read-only in the guest and refuses writes" {
	blank_ext4 "$BATS_TEST_TMPDIR/d.img"
	cp "$BATS_TEST_TMPDIR/d.img" "$BATS_TEST_TMPDIR/before.img"
	run --separate-stderr "$ISOLENS" vm run --timeout $VMRUN_TIMEOUT \
		--disk "$BATS_TEST_TMPDIR/d.img,ro" \
		-- sh -c 'cat /sys/block/vda/ro; mkdir -p /mnt; mount -t ext4 /dev/vda /mnt; touch /mnt/x && echo WROTE; dd if=/dev/zero of=/dev/vda bs=512 count=1 conv=fsync 2>/dev/null && echo WROTE-RAW; true'
	echo "$stderr"
	assert_success
	assert_line 1
	refute_line WROTE
	refute_line WROTE-RAW
	cmp "$BATS_TEST_TMPDIR/d.img" "$BATS_TEST_TMPDIR/before.img"
}

