#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright cannot download its own here).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Chromium is missing and we are not root: install it with 'apt-get install chromium'." >&2
    echo "The browser tests will be skipped." >&2
    exit 0
  fi
fi
echo "Installing Debian's chromium for the browser tests…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
