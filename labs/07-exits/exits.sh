#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# exits.sh [CMD [ARG...]]
#
# Boot Linux in an isolens micro-VM running CMD (default: true), count its
# KVM exits in the host kernel, and print who handled them and why, most
# frequent first:
#
#   total N
#   in_kernel N
#   to_vmm N
#   reason NAME N
#   ...
#
# The trace's JSON summary is kept in $EXITS_JSON (default: a file in
# /tmp).  Exit 1 if the VM or the trace failed.
set -eu
ISOLENS=${ISOLENS:-isolens}
json=${EXITS_JSON:-/tmp/exits.$$.json}
[ $# -gt 0 ] || set -- true

# TODO 1: count the kvm events of "$ISOLENS vm run -- CMD" in the kernel
#         and keep the JSON summary in $json.
#         (isolens trace --help: --count, --json, --events; the VM's
#         command goes after vm run's --)
: >"$json"

# TODO 2: every exit is counted in .summary.exits, per vCPU and reason;
#         the total is their sum over all vCPUs.
#         (docs/events.md, "The last line of a --json run is the summary")
total=0

# TODO 3: the exits KVM handed to the VMM are in .summary.to_vmm; the
#         rest were handled inside the kernel.
to_vmm=0

echo "total $total"
echo "in_kernel $((total - to_vmm))"
echo "to_vmm $to_vmm"

# TODO 4: one "reason NAME N" line per exit reason (all vCPUs together),
#         most frequent first; blanks in NAME become "_" ("UD_excp").
#         (jq: to_entries, group_by; or sort | awk)
