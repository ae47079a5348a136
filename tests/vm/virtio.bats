#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens vm's virtio-blk in the lab VM: doorbells caught by ioeventfds in
# KVM or handled as MMIO exits (--no-eventfd), the I/O thread, its limits.
# Each run boots a Linux guest (10-30 s under nested KVM on TCG).

bats_require_minimum_version 1.5.0
load ../common

VMRUN_TIMEOUT=300
PATTERN_BYTES=4194304

setup() {
	require_hw_kvm
	command -v jq >/dev/null || skip "jq is not installed (make deps)"
	IMG=$BATS_TEST_TMPDIR/disk.img
	truncate -s 16M "$IMG"
}

# The guest writes PATTERN_BYTES of a known pattern to the raw disk and
# fsyncs it (a FLUSH request: sync(1) alone writes back but does not
# flush a raw block device); prints the run's --stats=json line.
write_pattern() {
	"$ISOLENS" vm run --disk "$IMG" "$@" --stats=json --timeout $VMRUN_TIMEOUT \
		-- sh -c "yes isolens | head -c $PATTERN_BYTES | dd of=/dev/vda bs=64k conv=fsync 2>/dev/null" \
		2>&1 >/dev/null | grep '^{"schema"'
}

pattern_sum() {
	yes isolens | head -c $PATTERN_BYTES | md5sum | cut -d' ' -f1
}

image_sum() {
	head -c $PATTERN_BYTES "$IMG" | md5sum | cut -d' ' -f1
}

@test "virtio: what the guest writes to --disk is in the image, with eventfds and with --no-eventfd" {
	local ev noev mmio_ev mmio_noev notify_ev notify_noev
	ev=$(write_pattern)
	echo "eventfd: $ev"
	[ "$(image_sum)" = "$(pattern_sum)" ]
	truncate -s 0 "$IMG"
	truncate -s 16M "$IMG"
	noev=$(write_pattern --no-eventfd)
	echo "no-eventfd: $noev"
	[ "$(image_sum)" = "$(pattern_sum)" ]

	for j in "$ev" "$noev"; do
		[ "$(jq -r .stop <<<"$j")" = status ]
		[ "$(jq -r .status <<<"$j")" = 0 ]
		[ "$(jq '.disks | length' <<<"$j")" = 1 ]
		[ "$(jq '.disks[0].written_bytes' <<<"$j")" -ge $PATTERN_BYTES ]
		[ "$(jq '.disks[0].flushes' <<<"$j")" -ge 1 ]
		[ "$(jq '.disks[0].errors' <<<"$j")" = 0 ]
		[ "$(jq '.disks[0].needs_reset' <<<"$j")" = false ]
		[ "$(jq '.disks[0].irqs' <<<"$j")" -ge 1 ]
	done
	mmio_ev=$(jq '.userspace_exits.by_reason.MMIO // 0' <<<"$ev")
	mmio_noev=$(jq '.userspace_exits.by_reason.MMIO // 0' <<<"$noev")
	notify_ev=$(jq '.disks[0].notifies' <<<"$ev")
	notify_noev=$(jq '.disks[0].notifies' <<<"$noev")
	echo "MMIO exits to the VMM: $mmio_ev with eventfds ($notify_ev doorbells), $mmio_noev without ($notify_noev doorbells)"
	[ "$notify_ev" -ge 1 ]
	[ "$notify_noev" -ge 1 ]
	# without eventfds every doorbell was an MMIO exit to the VMM ...
	[ "$mmio_noev" -ge "$notify_noev" ]
	# ... with them KVM kept the doorbells: the VMM saw only register
	# accesses (probe, setup), which both runs make alike
	[ $((mmio_noev - mmio_ev)) -ge $((notify_noev / 2)) ]
}

@test "virtio: the disk's I/O thread is named isolens-blk0 and seccomp-confined" {
	local pid i comms="" tid
	"$ISOLENS" vm run --disk "$IMG" --timeout $VMRUN_TIMEOUT -- sleep 600 \
		>/dev/null 2>&1 </dev/null &
	pid=$!
	for i in $(seq 1 300); do
		comms=$(cat /proc/$pid/task/*/comm 2>/dev/null | sort | tr '\n' ' ')
		[[ "$comms" == *isolens-blk0* ]] &&
			grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status && break
		sleep 0.1
	done
	tid=$(grep -l '^isolens-blk0$' /proc/$pid/task/*/comm | head -n 1 | cut -d/ -f5)
	grep '^Seccomp:' /proc/$pid/task/$tid/status
	grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/task/$tid/status
	kill $pid
	wait $pid || true
	[[ "$comms" == *isolens-blk0* ]]
}
