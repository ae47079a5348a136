#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the kernel's scripts/checkpatch.pl over the code that runs in
# the kernel (module/ and the BPF programs in ebpf/), clean or it fails.
#
# Debian ships checkpatch.pl only inside linux-source-6.1's tarball: the
# first run downloads that package (about 140 MB, not installed) and keeps
# just the script and its two data files in a cache directory.
#   lint.sh          fetch if needed, then check
#   lint.sh --fetch  only make sure the script is in the cache
set -eu
cd "$(dirname "$0")/../.."

PKG=linux-source-6.1
if [ "$(id -u)" -eq 0 ]; then
	cache=/var/cache/isolens
else
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/isolens
fi
dir=$cache/checkpatch-6.1
cp=$dir/scripts/checkpatch.pl

fetch() {
	[ -r "$cp" ] && return 0
	command -v apt-get >/dev/null || {
		echo "lint: no checkpatch.pl in $dir, and no apt-get to fetch $PKG" >&2
		exit 1
	}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "lint: fetching checkpatch.pl from Debian's $PKG (once, about 140 MB)"
	(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q "$PKG" >/dev/null) || {
		echo "lint: cannot download $PKG (apt-get download $PKG)" >&2
		exit 1
	}
	mkdir -p "$tmp/src"
	dpkg-deb --fsys-tarfile "$tmp"/"$PKG"_*.deb |
		tar -xO ./usr/src/$PKG.tar.xz |
		tar -xJ -C "$tmp/src" --strip-components=1 \
			$PKG/scripts/checkpatch.pl $PKG/scripts/spelling.txt \
			$PKG/scripts/const_structs.checkpatch
	mkdir -p "$dir"
	cp -r "$tmp/src/scripts" "$dir/"
	rm -rf "$tmp"
	trap - EXIT
}

fetch
[ "${1:-}" = --fetch ] && exit 0

# Kernel-side sources only: what Kbuild and clang -target bpf compile,
# without what they generate (isolens.mod.c, vmlinux.h, skeletons).
files=""
for f in module/*.c module/*.h module/include/uapi/linux/*.h \
	ebpf/*.bpf.c ebpf/*.h; do
	case $f in
	*.mod.c | */vmlinux.h | *.skel.h) continue ;;
	esac
	[ -e "$f" ] && files="$files $f"
done
n=$(echo $files | wc -w)
# --terse: one line per finding, then a "total:" line per file
out=$(perl "$cp" --no-tree --terse --show-types --file $files) && rc=0 || rc=$?
echo "$out" | grep -v -e '^total: 0 errors, 0 warnings' -e '^$' || true
if [ "$rc" -ne 0 ]; then
	echo "lint: checkpatch.pl found problems in module/ or ebpf/ (above)" >&2
	exit 1
fi
echo "lint: checkpatch.pl: $n files in module/ and ebpf/ clean"
