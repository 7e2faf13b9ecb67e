#!/usr/bin/env bash
# The browser of the browser tests (dashboard, kedro-viz): Debian's chromium package.
# Idempotent: does nothing when a Chromium is already on PATH. Needs root (or sudo -n).
# Playwright drives this binary (executable_path); its own browser download is not used.
set -euo pipefail
for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "browser: $(command -v "$name") is installed"
    exit 0
  fi
done
if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
  echo "browser: not root and no sudo: cannot install chromium (browser tests will skip)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2; do
  if "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q chromium fonts-liberation fonts-dejavu-core; then
    echo "browser: installed $(command -v chromium)"
    exit 0
  fi
  echo "browser: apt-get failed (attempt $attempt)" >&2
  sleep 5
done
exit 1
