#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build and run the libFuzzer targets (clang + -fsanitize=fuzzer,address).
#   tests/fuzz/run.sh [SECONDS]     short run per target (default 10), as make check
#   tests/fuzz/run.sh 3600          the documented long run (an hour each)
# Binaries, corpora (corpus/<target>) and crash files live in
# tests/.results/fuzz/, which is not committed.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-10}
cc=${CLANG:-clang}
out=$top/tests/.results/fuzz
mkdir -p "$out"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -I$top/tools/lib -I$top/module/include/uapi"
lib="$top/tools/lib/base/errbuf.c $top/tools/lib/base/fileio.c $top/tools/lib/base/cache.c"
vmm="$top/tools/lib/vmm"

build() {
	name=$1
	shift
	$cc $cflags -o "$out/$name" "$top/tests/fuzz/$name.c" "$@" $lib
}

build fuzz_vmm_bzimage "$vmm/bzimage.c" "$vmm/boot.c" "$vmm/memory.c" \
	"$vmm/kernel_elf.c" -lelf -llzma -lz -lzstd -llz4
build fuzz_vmm_io "$vmm/bus.c" "$vmm/ports.c" "$vmm/mmio.c" "$vmm/serial.c" \
	"$vmm/devices.c" -lpthread
build fuzz_vmm_virtio "$vmm/virtio.c" "$vmm/blk.c" "$vmm/memory.c" -lpthread

for t in fuzz_vmm_bzimage fuzz_vmm_io fuzz_vmm_virtio; do
	corpus=$out/corpus/$t
	mkdir -p "$corpus"
	# seed the loader with the installed kernels' headers
	if [ $t = fuzz_vmm_bzimage ]; then
		for k in /boot/vmlinuz-*; do
			[ -r "$k" ] && head -c 65536 "$k" > "$corpus/seed-$(basename "$k")"
		done
		# and the vmlinux loader with the headers of decompressed ones
		for k in "${ISOLENS_CACHE_DIR:-/var/cache/isolens}"/vmlinux-*.elf; do
			[ -r "$k" ] && head -c 65536 "$k" > "$corpus/seed-$(basename "$k")"
		done
	fi
	echo "fuzz: $t for ${secs}s"
	# a crash makes libFuzzer exit non-zero: that must fail this script
	if (cd "$out" && "./$t" -max_total_time="$secs" -max_len=70000 \
		-print_final_stats=1 "$corpus" > "$out/$t.log" 2>&1); then
		tail -n 4 "$out/$t.log"
	else
		tail -n 40 "$out/$t.log"
		echo "fuzz: $t FAILED (crash input and log in $out)"
		failed=1
	fi
done
exit ${failed:-0}
