#!/usr/bin/env bash
# Renders an HTML report (e.g. report.html from ReportDocument) to a PNG with headless
# Chromium, to look at a report without a desktop, or check it with scripts/check-screenshot.py.
#
#     scripts/screenshot-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# WIDTHxHEIGHT is the browser window in CSS pixels (default 1100x2600); the screenshot is the
# window, so make it tall enough for the whole page. Needs the Debian package `chromium`
# (apt-get install -y chromium). The page is loaded from the file system and needs no network.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
html=$1
out=$2
size=${3:-1100x2600}
if ! [[ $size =~ ^([0-9]+)x([0-9]+)$ ]]; then
    echo "$0: window size must look like 1100x2600, got '$size'" >&2
    exit 2
fi
width=${BASH_REMATCH[1]}
height=${BASH_REMATCH[2]}
if [ ! -f "$html" ]; then
    echo "$html: no such file" >&2
    exit 1
fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "$0: Chromium not found; install it with: apt-get install -y chromium" >&2
    exit 1
fi

html_path=$(realpath "$html")
out_path=$(realpath -m "$out")
# A throwaway profile, so that runs neither share nor leave state.
profile=$(mktemp -d "${TMPDIR:-/tmp}/screenshot-profile.XXXXXX")
trap 'rm -rf "$profile"' EXIT

flags=(--headless --disable-gpu --hide-scrollbars --no-first-run --no-default-browser-check
       --disable-extensions --disable-background-networking --disable-component-update --disable-sync
       --mute-audio "--user-data-dir=$profile" "--window-size=$width,$height" "--screenshot=$out_path")
# Chromium's sandbox refuses to run as root.
if [ "$(id -u)" = 0 ]; then
    flags+=(--no-sandbox)
fi

rm -f "$out_path"
if ! timeout 120 "$browser" "${flags[@]}" "file://$html_path" >"$profile/log" 2>&1; then
    cat "$profile/log" >&2
    echo "$0: Chromium failed on $html" >&2
    exit 1
fi
if [ ! -s "$out_path" ]; then
    cat "$profile/log" >&2
    echo "$0: Chromium wrote no screenshot to $out" >&2
    exit 1
fi
echo "$out: screenshot of $html at ${width}x${height}"
