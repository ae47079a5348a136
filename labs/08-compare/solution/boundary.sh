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
#         .distinct
jq -r '"container: \(.container.syscalls.total) syscalls entered the host kernel (\(.container.syscalls.distinct) distinct); top checkpoint \(.container.hot_paths.functions[0].name // "none")"' "$r"

# TODO 2: the VM side: the guest syscalls the host saw, the exits (total,
#         in KVM, to the VMM) and the VM's top checkpoint function
jq -r '"vm: \(.vm.guest_syscalls_seen_by_host) guest syscalls on the host; \(.vm.exits.total) exits, \(.vm.exits.in_kernel) in KVM, \(.vm.exits.to_vmm) to the VMM; top checkpoint \(.vm.hot_paths.functions[0].name // "none")"' "$r"
