#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# boundary.sh REPORT.json
#
# Read an `isolens compare --json` report and say, in two lines, where each
# side crossed into the host kernel:
#
#   container: N syscalls entered the host kernel (D distinct); top checkpoint FUNC
#   vm: G guest syscalls on the host; E exits, K in KVM, U to the VMM; top checkpoint FUNC
#
# Exit 2 on a missing or unreadable report.
set -eu
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: boundary.sh REPORT.json" >&2; exit 2; }
r=$1

# TODO 1: the container's payload syscalls: .container.syscalls.total and
#         .distinct, and its first .hot_paths.functions[].name (docs/compare.md,
#         "--json").  One jq -r with a string template prints the line.
echo "container: TODO"

# TODO 2: the VM side: .vm.guest_syscalls_seen_by_host, the exits (.vm.exits:
#         total, in_kernel, to_vmm) and the VM's top checkpoint function.
echo "vm: TODO"
