#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the isolation boundary, shown in the lab VM.
# (make demo has already installed the dependencies and built everything.)
set -euo pipefail
cd "$(dirname "$0")/../.."
ISOLENS=$PWD/tools/isolens/isolens

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "The host: kernel $(uname -r)"
"$ISOLENS" lab info | sed 's/^/    /'

step "Booting the lab VM (a throwaway kernel of its own) and running the showcase in it"
"$ISOLENS" lab run -v --timeout 900 -- tools/scripts/demo-guest.sh
step "Done. The HTML reports (open them in a browser):"
ls -1 "$PWD"/demo-out/*.html 2>/dev/null | sed 's/^/    /'
step "Next: sudo make check (the tests), make lab N=01 (the labs), man -l docs/isolens.1"
