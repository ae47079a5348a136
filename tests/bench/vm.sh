#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# isolens vm benchmark (run inside the lab VM, or anywhere with a real KVM):
#  - time from start to the guest init's boot marker (port 0x600), isolens
#    vm vs QEMU (-M microvm -accel kvm) booting the same kernel and
#    initramfs to the same marker (QEMU sees it through isa-debugcon);
#    isolens boots the kernel's cached vmlinux, so the like-for-like pairs
#    are printed too: isolens --bzimage against QEMU's bzImage boot, and
#    isolens against QEMU booting the same vmlinux through PVH;
#  - the same with root on virtio-blk: isolens vm --rootfs default against
#    QEMU with a virtio-blk-device on a copy of the same ext4 image, then
#    sequential 64 KiB write and read and 4 KiB random reads of a file on
#    it, inside the guest;
#  - the VMM's resident memory beyond the guest RAM the guest touched, with
#    the disk attached.
# Goals (issues 4 and 13): <= 0.5x QEMU's time to marker, >= 1.0x QEMU's
# disk throughput, <= 2 MiB VMM overhead.
# Prints numbers; asserts nothing.
#   tests/bench/vm.sh [RUNS]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
isolens=${ISOLENS:-$top/tools/isolens/isolens}
runs=${1:-3}
mem=256M
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
# isolens's default command line (tools/lib/vmm/boot.c): ACPI on, for both
cmdline="console=ttyS0 reboot=k panic=-1 pci=off i8042.noaux i8042.nomux i8042.dumbkbd 8250.nr_uarts=1 tsc=reliable loglevel=2 rdinit=/init"
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
# the vmlinux isolens booted (vmm/kernel_elf.h), for QEMU's PVH loader below
vmlinux=$(sed -n 's/.*kernel: the vmlinux [a-z ]*\(\/.*\.elf\)$/\1/p' "$tmp/stats")

# --- isolens vm --bzimage: the guest decompresses itself, as under QEMU ---
: > "$tmp/iso_bz"
for i in $(seq "$runs"); do
	"$isolens" vm run --bzimage --stats --mem $mem --kernel "$kernel" \
		--initrd "$tmp/initrd.cpio" --cmdline "$cmdline" \
		</dev/null >/dev/null 2>"$tmp/stats"
	m=$(sed -n 's/.*init marker reached after \([0-9.]*\) ms.*/\1/p' "$tmp/stats")
	echo "isolens --bzimage run $i: marker ${m:-none} ms"
	echo "${m%.*}" >> "$tmp/iso_bz"
done
iso_bz=$(median < "$tmp/iso_bz")

# --- QEMU microvm: marker through isa-debugcon, exit through isa-debug-exit ---
# qemu_run INITRD [QEMU ARGS...]: one boot; prints "MARKER_MS WALL_MS"
qemu_run() {
	local initrd=$1 t0 t1 m= pid
	shift
	rm -f "$tmp/marker"
	touch "$tmp/marker"
	t0=$(now_ms)
	qemu-system-x86_64 -M microvm -accel kvm -cpu host -m $mem -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-serial file:"$tmp/console" -kernel "$kernel" \
		-initrd "$initrd" -append "$cmdline" \
		-chardev file,id=mk,path="$tmp/marker" \
		-device isa-debugcon,iobase=0x600,chardev=mk \
		-device isa-debug-exit,iobase=0x601,iosize=1 "$@" \
		</dev/null >/dev/null 2>"$tmp/qemu.err" &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		if [ -z "$m" ] && [ -s "$tmp/marker" ]; then
			m=$(( $(now_ms) - t0 ))
		fi
		sleep 0.005
	done
	wait $pid
	t1=$(now_ms)
	[ -z "$m" ] && [ -s "$tmp/marker" ] && m=$((t1 - t0))
	echo "${m:-none} $((t1 - t0))"
}

: > "$tmp/qemu"
for i in $(seq "$runs"); do
	read -r m w <<< "$(qemu_run "$tmp/initrd.cpio")"
	echo "qemu run $i: marker $m ms, wall $w ms"
	[ "$m" != none ] && echo "$m" >> "$tmp/qemu"
done
qemu=$(median < "$tmp/qemu")
# QEMU booting the same vmlinux through its PVH note (no decompression)
: > "$tmp/qemu_pvh"
if [ -n "$vmlinux" ]; then
	for i in $(seq "$runs"); do
		read -r m w <<< "$(kernel=$vmlinux qemu_run "$tmp/initrd.cpio")"
		echo "qemu pvh run $i: marker $m ms, wall $w ms"
		[ "$m" != none ] && echo "$m" >> "$tmp/qemu_pvh"
	done
fi
qemu_pvh=$(median < "$tmp/qemu_pvh")

# --- root on virtio-blk: the same ext4 image, the same userland ---
# In the guest: 32 MiB written in 64 KiB blocks and fsynced, the page cache
# dropped, read back in 64 KiB blocks, then 256 random 4 KiB reads; times
# from /proc/uptime (10 ms), printed as "io: W R X" milliseconds.
io_script='t() { read u _ < /proc/uptime; echo ${u%.*}${u#*.}0; }
a=$(t); dd if=/dev/zero of=/bench bs=64k count=512 conv=fsync 2>/dev/null
b=$(t); echo 3 > /proc/sys/vm/drop_caches
dd if=/bench of=/dev/null bs=64k 2>/dev/null
c=$(t); echo 3 > /proc/sys/vm/drop_caches; i=0
while [ $i -lt 256 ]; do dd if=/bench of=/dev/null bs=4k count=1 skip=$((RANDOM % 8192)) 2>/dev/null; i=$((i + 1)); done
d=$(t); rm /bench; echo "io: $((b - a)) $((c - b)) $((d - c))"'
image=$("$isolens" vm image default) || exit 1
"$isolens" vm initramfs --root /dev/vda "$tmp/root.cpio" -- true || exit 1
"$isolens" vm initramfs --root /dev/vda "$tmp/io.cpio" -- sh -c "$io_script" || exit 1
: > "$tmp/iso_blk"
: > "$tmp/qemu_blk"
for i in $(seq "$runs"); do
	"$isolens" vm run --stats --mem $mem --kernel "$kernel" --rootfs default \
		--cmdline "$cmdline" -- true </dev/null >/dev/null 2>"$tmp/stats"
	m=$(sed -n 's/.*init marker reached after \([0-9.]*\) ms.*/\1/p' "$tmp/stats")
	echo "isolens virtio-blk run $i: marker ${m:-none} ms"
	echo "${m%.*}" >> "$tmp/iso_blk"
	cp --sparse=always "$image" "$tmp/root.img"
	read -r m w <<< "$(qemu_run "$tmp/root.cpio" -device virtio-blk-device,drive=r \
		-drive id=r,file="$tmp/root.img",format=raw,if=none)"
	echo "qemu virtio-blk run $i: marker $m ms"
	[ "$m" != none ] && echo "$m" >> "$tmp/qemu_blk"
done
iso_blk=$(median < "$tmp/iso_blk")
qemu_blk=$(median < "$tmp/qemu_blk")

"$isolens" vm run --mem $mem --kernel "$kernel" --rootfs default --cmdline "$cmdline" \
	-- sh -c "$io_script" </dev/null 2>/dev/null | tr -d '\r' | grep '^io: ' > "$tmp/iso_io"
cp --sparse=always "$image" "$tmp/root.img"
qemu_run "$tmp/io.cpio" -device virtio-blk-device,drive=r \
	-drive id=r,file="$tmp/root.img",format=raw,if=none >/dev/null
tr -d '\r' < "$tmp/console" | grep '^io: ' > "$tmp/qemu_io"
read -r _ iw ir ix < "$tmp/iso_io"
read -r _ qw qr qx < "$tmp/qemu_io"

# --- memory: VMM RSS minus the guest-RAM mapping's RSS, while the guest sleeps ---
"$isolens" vm run --mem $mem --kernel "$kernel" --rootfs default \
	--cmdline "$cmdline" -- sleep 4 </dev/null >/dev/null 2>&1 &
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
echo "like for like: isolens --bzimage ${iso_bz:-?} ms vs qemu bzImage ${qemu:-?} ms;" \
	"isolens vmlinux ${iso:-?} ms vs qemu PVH vmlinux ${qemu_pvh:-?} ms"
if [ -n "$iso_bz" ] && [ -n "$qemu" ] && [ -n "$qemu_pvh" ] && [ "$qemu_pvh" -gt 0 ]; then
	awk -v a="$iso_bz" -v b="$qemu" -v c="$iso" -v d="$qemu_pvh" \
		'BEGIN { printf "ratios: bzImage %.2f, vmlinux %.2f\n", a / b, c / d }'
fi
echo "isolens RSS: total $((total / 1024)) MiB, guest RAM touched $((guest / 1024)) MiB," \
	"VMM overhead $(( (total - guest) )) KiB (private $priv KiB; goal <= 2048 KiB)"
echo "time to init marker, root on virtio-blk (median of $runs): isolens ${iso_blk:-?} ms, qemu microvm ${qemu_blk:-?} ms"
if [ -n "$iso_blk" ] && [ -n "$qemu_blk" ] && [ "$qemu_blk" -gt 0 ]; then
	awk -v a="$iso_blk" -v b="$qemu_blk" 'BEGIN { printf "ratio isolens/qemu: %.2f (goal <= 0.50)\n", a / b }'
fi
# throughput: MiB/s from ms (32 MiB sequential), reads/s (256 random)
tput() { awk -v ms="$1" -v n="$2" 'BEGIN { if (ms > 0) printf "%.1f", n * 1000 / ms; else printf "?" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", b / a; else printf "?" }'; }
if [ -n "${iw:-}" ] && [ -n "${qw:-}" ]; then
	echo "seq 64 KiB write: isolens $(tput "$iw" 32) MiB/s, qemu $(tput "$qw" 32) MiB/s, ratio $(ratio "$iw" "$qw") (goal >= 1.0)"
	echo "seq 64 KiB read:  isolens $(tput "$ir" 32) MiB/s, qemu $(tput "$qr" 32) MiB/s, ratio $(ratio "$ir" "$qr") (goal >= 1.0)"
	echo "4 KiB random read: isolens $(tput "$ix" 256) reads/s, qemu $(tput "$qx" 256) reads/s, ratio $(ratio "$ix" "$qx") (goal >= 1.0; each read is a dd process)"
else
	echo "disk throughput: no result (isolens '${iw:-}', qemu '${qw:-}'; see $tmp/console)"
fi
