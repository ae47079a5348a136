#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# doorbells.sh [MIB]
#
# Boot Linux in an isolens micro-VM with a raw virtio-blk disk twice, once
# with eventfds (the default) and once with --no-eventfd, write MIB MiB
# (default 16) to the disk and fsync it, under isolens trace --count, and
# print for each run, in this order:
#
#   MODE requests N      requests the device took from its queue
#   MODE doorbells N     QueueNotify writes (disks[0].notifies)
#   MODE irqs N          interrupts the device injected
#   MODE vmm_mmio N      MMIO exits the VMM handled (its --stats)
#   MODE trace_mmio N    MMIO exits KVM handed to the VMM (the trace)
#   MODE npf N           npf exits, all vCPUs (the trace)
#   ...
#   extra_mmio N         no-eventfd's vmm_mmio minus eventfd's
#
# MODE is "eventfd" or "no-eventfd".  Each run's --stats=json line and
# trace summary are kept in $DOORBELLS_DIR (default: a directory in
# /tmp) as MODE.stats.json and MODE.trace.json.  Exit 1 if a run failed.
set -eu
ISOLENS=${ISOLENS:-isolens}
dir=${DOORBELLS_DIR:-/tmp/doorbells.$$}
mib=${1:-16}
mkdir -p "$dir"
img=$dir/disk.img

# run_vm MODE [VM-OPTION...]: one boot, its stats and trace summary kept
run_vm() {
	mode=$1
	shift
	rm -f "$img"
	truncate -s $((mib + 16))M "$img"
	# TODO 1: under "$ISOLENS trace --count --json --events kvm", boot
	#         "$ISOLENS vm run" with the image as its disk, the options
	#         given ("$@") and --stats=json, the guest running
	#         dd if=/dev/zero of=/dev/vda bs=1M count=$mib conv=fsync
	#         Keep the stats line (stderr, starts with {"schema") in
	#         $dir/$mode.stats.json, the summary (stdout, starts with
	#         {"summary") in $dir/$mode.trace.json.
	#         (isolens trace --help, docs/microvm.md "--stats=json"; the
	#         guest's console shares stdout with the summary)
	: >"$dir/$mode.stats.json"
	: >"$dir/$mode.trace.json"
	s=$dir/$mode.stats.json
	t=$dir/$mode.trace.json

	# TODO 2: from the VMM's counters: the disk's requests, doorbells
	#         and interrupts, and the MMIO exits it handled.
	#         (a run with no MMIO exit has no "MMIO" key: jq's // 0)
	echo "$mode requests 0"
	echo "$mode doorbells 0"
	echo "$mode irqs 0"
	echo "$mode vmm_mmio 0"

	# TODO 3: from the trace, all vCPUs together: the MMIO exits KVM
	#         handed to the VMM, and every npf exit.
	#         (docs/events.md: .summary.to_vmm and .summary.exits, per vCPU)
	echo "$mode trace_mmio 0"
	echo "$mode npf 0"
}

run_vm eventfd
run_vm no-eventfd --no-eventfd

# TODO 4: how many more MMIO exits reached the VMM without eventfds
#         (the two kept stats lines)
echo "extra_mmio 0"
