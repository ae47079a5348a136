#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make deps: install exactly the Debian/Ubuntu packages isolens needs.
# As root it installs what is missing (and only that); as another user it
# prints the apt-get command.  Fast when everything is present: one
# dpkg-query, no apt-get update.
set -eu

# build: compiler, BPF toolchain, libraries found through pkg-config
PKGS="make gcc libc6-dev pkg-config clang llvm libbpf-dev libelf-dev libdw-dev
zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libseccomp-dev libjson-c-dev libssl-dev"
# build: iasl compiles the micro-VM's ACPI tables (tools/lib/vmm/acpi/)
PKGS="$PKGS acpica-tools"
# vm run --rootfs: mke2fs -d builds the guest's ext4 root from a directory
PKGS="$PKGS e2fsprogs"
# style: make format/format-check (make lint fetches checkpatch.pl itself)
PKGS="$PKGS clang-format perl"
# the lab VM: qemu, a static busybox for its initramfs, kmod for modprobe
PKGS="$PKGS qemu-system-x86 busybox-static kmod"
# tests; libclang-rt-dev brings libFuzzer and the sanitizers for tests/fuzz
PKGS="$PKGS bats bats-assert bats-support jq bc python3 libclang-rt-dev"
# benchmarks compare against other runtimes and tracers (tests/bench/)
PKGS="$PKGS runc crun bpftrace"

. /etc/os-release 2>/dev/null || ID=unknown
case "$ID ${ID_LIKE:-}" in
*ubuntu*)
	# Ubuntu ships bpftool and perf with its kernel tools
	PKGS="$PKGS linux-tools-common linux-tools-generic" ;;
*)
	# perf: the tests check that isolens never hides a tracepoint from it
	PKGS="$PKGS bpftool linux-perf" ;;
esac

# A kernel for the lab VM, with modules and headers to build isolens.ko.
# The running kernel serves when its image and headers are installed.
rel=$(uname -r)
if [ ! -e "/boot/vmlinuz-$rel" ] || [ ! -e "/lib/modules/$rel/build" ]; then
	case "$ID ${ID_LIKE:-}" in
	*ubuntu*) PKGS="$PKGS linux-image-generic linux-headers-generic" ;;
	*) PKGS="$PKGS linux-image-amd64 linux-headers-amd64" ;;
	esac
fi

# A second kernel for the VMM's tests (tests/vm/vm.bats): Debian's cloud
# kernel, configured unlike the lab VM's (no /dev/port, no MP table).  Only
# downloaded and unpacked (dpkg -x) under $KERNELS, never installed; the lab
# VM sees that directory read-only.  The one matching the lab VM's kernel,
# else the newest of the same series.
KERNELS=/var/cache/isolens/kernels
cloud_kernel() {
	case "$ID" in debian) ;; *) return 0 ;; esac
	if ls "$KERNELS"/linux-image-*-cloud-amd64/boot/vmlinuz-* >/dev/null 2>&1; then
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: as root, would also unpack Debian's cloud kernel into $KERNELS (tests/vm)" >&2
		return 0
	fi
	lab=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)
	[ -n "$lab" ] || return 0
	series=$(echo "${lab%%-*}" | sed 's/\./\\./g')
	pkg=linux-image-${lab%-amd64}-cloud-amd64
	if ! apt-cache show "$pkg" >/dev/null 2>&1; then
		pkg=$(apt-cache search --names-only "^linux-image-$series-[0-9]+-cloud-amd64\$" |
			cut -d' ' -f1 | sort -V | tail -n 1)
	fi
	if [ -z "$pkg" ]; then
		echo "deps: no Debian cloud kernel package for $lab: tests/vm skips its test" >&2
		return 0
	fi
	echo "deps: apt-get download $pkg, unpacked into $KERNELS/$pkg"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/isolens-kernel.XXXXXX")
	chown _apt "$tmp" 2>/dev/null || true
	if (cd "$tmp" && apt-get download -q "$pkg") && dpkg -x "$tmp"/*.deb "$tmp/root"; then
		rm -rf "$tmp/root/usr"
		mkdir -p "$KERNELS"
		rm -rf "${KERNELS:?}/$pkg"
		mv "$tmp/root" "$KERNELS/$pkg"
	else
		echo "deps: cannot fetch $pkg: tests/vm skips its test" >&2
	fi
	rm -rf "$tmp"
}

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all $(echo $PKGS | wc -w) packages present"
	cloud_kernel
	exit 0
fi

# --no-install-recommends: qemu alone would pull in hundreds of MB of GUI bits
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
echo "deps: apt-get update"
apt-get update -q
echo "deps: $cmd"
$cmd
cloud_kernel
echo "deps: done"
