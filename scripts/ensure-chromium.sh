#!/bin/sh
# The browser tests drive Debian's Chromium through playwright-core (no browser download).
# Installs it when missing and we are root (CI machines); otherwise says how.
set -eu
CHROMIUM="${PHAROS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM missing, installing the chromium package…"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  [ -x "$CHROMIUM" ] && exit 0
  echo "ensure-chromium: installed, but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "ensure-chromium: $CHROMIUM is missing. Install it with: sudo apt-get install -y chromium" >&2
echo "  (or point PHAROS_CHROMIUM at a Chromium/Chrome binary)" >&2
exit 1
