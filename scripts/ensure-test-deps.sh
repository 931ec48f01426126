#!/usr/bin/env bash
# Makes sure the system tools the test suite drives are present: Chromium for the browser tests,
# Java and the Cloud Firestore emulator for the Firestore tests. Installs what apt can install.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${missing[*]}. Install them (Debian: apt-get install ${missing[*]}) and run the tests again." >&2
    exit 1
  fi
  echo "Installing ${missing[*]} with apt-get…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
