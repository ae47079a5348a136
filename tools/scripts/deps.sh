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
zlib1g-dev liblzma-dev libseccomp-dev libjson-c-dev"
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

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all $(echo $PKGS | wc -w) packages present"
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
echo "deps: done"
