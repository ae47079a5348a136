#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# isolens vm benchmark (run inside the lab VM, or anywhere with a real KVM):
#  - time from start to the guest init's boot marker (port 0x600), isolens
#    vm vs QEMU (-M microvm -accel kvm) booting the same kernel and
#    initramfs to the same marker (QEMU sees it through isa-debugcon);
#  - the VMM's resident memory beyond the guest RAM the guest touched.
# Goals (issue 4): <= 0.5x QEMU's time to marker, <= 2 MiB VMM overhead.
# Prints numbers; asserts nothing.
#   tests/bench/vm.sh [RUNS]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
isolens=${ISOLENS:-$top/tools/isolens/isolens}
runs=${1:-3}
mem=256M
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
cmdline="console=ttyS0 reboot=k panic=-1 acpi=off pci=off nomodule i8042.noaux i8042.nomux i8042.dumbkbd 8250.nr_uarts=1 tsc=reliable loglevel=2 rdinit=/init"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -w /dev/kvm ] || { echo "vm bench: no usable /dev/kvm here" >&2; exit 1; }
"$isolens" vm initramfs "$tmp/initrd.cpio" -- true || exit 1

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "kernel: $kernel  memory: $mem  runs: $runs"

# --- isolens vm: time to marker (measured by the VMM) and wall time ---
: > "$tmp/iso"
for i in $(seq "$runs"); do
	t0=$(now_ms)
	"$isolens" vm run --stats --mem $mem --kernel "$kernel" \
		--initrd "$tmp/initrd.cpio" --cmdline "$cmdline" \
		</dev/null >/dev/null 2>"$tmp/stats"
	t1=$(now_ms)
	m=$(sed -n 's/.*init marker reached after \([0-9.]*\) ms.*/\1/p' "$tmp/stats")
	echo "isolens run $i: marker ${m:-none} ms, wall $((t1 - t0)) ms"
	echo "${m%.*}" >> "$tmp/iso"
done
iso=$(median < "$tmp/iso")

# --- QEMU microvm: marker through isa-debugcon, exit through isa-debug-exit ---
: > "$tmp/qemu"
for i in $(seq "$runs"); do
	rm -f "$tmp/marker"
	touch "$tmp/marker"
	t0=$(now_ms)
	qemu-system-x86_64 -M microvm -accel kvm -cpu host -m $mem -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-serial file:"$tmp/console" -kernel "$kernel" \
		-initrd "$tmp/initrd.cpio" -append "$cmdline" \
		-chardev file,id=mk,path="$tmp/marker" \
		-device isa-debugcon,iobase=0x600,chardev=mk \
		-device isa-debug-exit,iobase=0x601,iosize=1 \
		</dev/null >/dev/null 2>"$tmp/qemu.err" &
	pid=$!
	m=
	while kill -0 $pid 2>/dev/null; do
		if [ -z "$m" ] && [ -s "$tmp/marker" ]; then
			m=$(( $(now_ms) - t0 ))
		fi
		sleep 0.005
	done
	wait $pid
	t1=$(now_ms)
	[ -z "$m" ] && [ -s "$tmp/marker" ] && m=$((t1 - t0))
	echo "qemu run $i: marker ${m:-none} ms, wall $((t1 - t0)) ms"
	[ -n "$m" ] && echo "$m" >> "$tmp/qemu"
done
qemu=$(median < "$tmp/qemu")

# --- memory: VMM RSS minus the guest-RAM mapping's RSS, while the guest sleeps ---
"$isolens" vm initramfs "$tmp/sleep.cpio" -- sleep 4 || exit 1
"$isolens" vm run --mem $mem --kernel "$kernel" --initrd "$tmp/sleep.cpio" \
	--cmdline "$cmdline" </dev/null >/dev/null 2>&1 &
pid=$!
best="0 0 0"
while kill -0 $pid 2>/dev/null; do
	s=$(awk -v want=$(( ${mem%M} * 1024 )) '
		/^[0-9a-f]+-[0-9a-f]+ / { cur = "" }
		/^Size:/ { size = $2 }
		/^Rss:/ { total += $2; if (size == want) guest += $2 }
		/^Private_Clean:|^Private_Dirty:/ { if (size != want) priv += $2 }
		END { printf "%d %d %d", total, guest, priv }' /proc/$pid/smaps 2>/dev/null)
	# keep the fullest sample: at exit the guest RAM is already unmapped
	if [ -n "$s" ] && [ "${s%% *}" -gt "${best%% *}" ]; then
		best=$s
	fi
	sleep 0.2
done
wait $pid
read -r total guest priv <<< "$best"

echo
echo "time to init marker (median of $runs): isolens ${iso:-?} ms, qemu microvm ${qemu:-?} ms"
if [ -n "$iso" ] && [ -n "$qemu" ] && [ "$qemu" -gt 0 ]; then
	awk -v a="$iso" -v b="$qemu" 'BEGIN { printf "ratio isolens/qemu: %.2f (goal <= 0.50)\n", a / b }'
fi
echo "isolens RSS: total $((total / 1024)) MiB, guest RAM touched $((guest / 1024)) MiB," \
	"VMM overhead $(( (total - guest) )) KiB (private $priv KiB; goal <= 2048 KiB)"
