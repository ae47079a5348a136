#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make screenshot: a headless-Chromium picture of an isolens compare HTML
# report, for docs/compare.md.  The report comes from a real run
# (make demo writes demo-out/compare-hostname.html).
#   tools/scripts/screenshot.sh [REPORT.html [OUT.png]]
set -euo pipefail
cd "$(dirname "$0")/../.."
html=${1:-demo-out/compare-hostname.html}
png=${2:-docs/compare-report.png}

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "screenshot: no chromium; install it with: sudo apt-get install --no-install-recommends chromium" >&2
	exit 125
fi
if [ ! -r "$html" ]; then
	echo "screenshot: no report $html; run sudo make demo first (it writes demo-out/)" >&2
	exit 2
fi
echo "==> $browser --headless: $html -> $png"
# --no-sandbox: Chromium refuses to run its sandbox as root, and make demo's
# reports are root's; the page is our own static HTML with no script.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--window-size=1100,1900 --screenshot="$PWD/$png" \
	"file://$(realpath "$html")" 2>/dev/null
[ -s "$png" ] || { echo "screenshot: chromium wrote no $png" >&2; exit 1; }
echo "==> wrote $png ($(stat -c %s "$png") bytes)"
