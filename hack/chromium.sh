#!/usr/bin/env bash
# Print the path of a headless-capable Chromium, installing Debian's package when it is missing (CI starts on
# a clean machine; the docs browser check needs it). CHROMIUM=/path overrides.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ]; then echo "$CHROMIUM"; exit 0; fi
if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "chromium: installing Debian's chromium package" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }; } >&2
    echo /usr/bin/chromium
    exit 0
fi
echo "chromium: /usr/bin/chromium is missing; install Debian's chromium package (or set CHROMIUM=/path)" >&2
exit 1
