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
	"$ISOLENS" trace --count --json --events kvm -- \
		"$ISOLENS" vm run --disk "$img" "$@" --stats=json -- \
		dd if=/dev/zero of=/dev/vda bs=1M count="$mib" conv=fsync \
		>"$dir/$mode.out" 2>"$dir/$mode.err" ||
		{ echo "doorbells.sh: the $mode run failed: $(tail -n 1 "$dir/$mode.err")" >&2; exit 1; }
	grep '^{"schema"' "$dir/$mode.err" >"$dir/$mode.stats.json" || true
	grep '^{"summary"' "$dir/$mode.out" >"$dir/$mode.trace.json" || true
	s=$dir/$mode.stats.json
	t=$dir/$mode.trace.json

	# TODO 2: from the VMM's counters: the disk's requests, doorbells
	#         and interrupts, and the MMIO exits it handled.
	echo "$mode requests $(jq '.disks[0].requests' "$s")"
	echo "$mode doorbells $(jq '.disks[0].notifies' "$s")"
	echo "$mode irqs $(jq '.disks[0].irqs' "$s")"
	echo "$mode vmm_mmio $(jq '.userspace_exits.by_reason.MMIO // 0' "$s")"

	# TODO 3: from the trace, all vCPUs together: the MMIO exits KVM
	#         handed to the VMM, and every npf exit.
	echo "$mode trace_mmio $(jq '[.summary.to_vmm[].MMIO // 0] | add // 0' "$t")"
	echo "$mode npf $(jq '[.summary.exits[].npf // 0] | add // 0' "$t")"
}

run_vm eventfd
run_vm no-eventfd --no-eventfd

# TODO 4: how many more MMIO exits reached the VMM without eventfds
echo "extra_mmio $(($(jq '.userspace_exits.by_reason.MMIO // 0' "$dir/no-eventfd.stats.json") -
	$(jq '.userspace_exits.by_reason.MMIO // 0' "$dir/eventfd.stats.json")))"
