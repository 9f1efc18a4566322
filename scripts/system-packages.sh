#!/usr/bin/env bash
# Debian packages the server needs at run time: free Chinese TrueType fonts for PDF rendering (mapped from the
# official font names, see docs/official-documents.md) and fontconfig. With --test, also what the test suite
# needs: Chromium for browser tests, Noto CJK for screenshots, poppler-utils (pdftotext) and PostgreSQL.
# Installs only what is missing; without root it prints the apt-get command instead.
set -euo pipefail
runtime=(fontconfig fonts-arphic-ukai fonts-arphic-uming fonts-wqy-zenhei)
testing=(chromium fonts-noto-cjk poppler-utils postgresql libreoffice-writer-nogui)
wanted=("${runtime[@]}")
[ "${1:-}" = "--test" ] && wanted+=("${testing[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages: ${missing[*]}"
  echo "Install them with: sudo apt-get install -y ${missing[*]}"
  exit 0
fi
echo "== installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
