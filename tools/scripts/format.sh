#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make format: clang-format, with the shipped kernel-style .clang-format,
# over every C source and header in the tree (what git tracks, so nothing
# generated).  make format-check: the same, changing nothing, and failing
# with the files that differ.
set -eu
cd "$(dirname "$0")/../.."

command -v clang-format >/dev/null || {
	echo "format: clang-format is missing (make deps installs it)" >&2
	exit 1
}
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
	files=$(git ls-files '*.c' '*.h')
else
	# a release tarball: the same set, the generated files left out
	files=$(find module ebpf tools tests labs -name '*.[ch]' \
		! -name '*.mod.c' ! -name vmlinux.h ! -name '*.skel.h')
fi

if [ "${1:-}" != --check ]; then
	echo "format: clang-format -i over $(echo "$files" | wc -l) files"
	echo "$files" | xargs clang-format -i
	exit 0
fi
bad=""
for f in $files; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
	echo "format-check: not clang-formatted (make format fixes them):" >&2
	for f in $bad; do echo "  $f" >&2; done
	exit 1
fi
echo "format-check: $(echo "$files" | wc -l) files clang-formatted"
