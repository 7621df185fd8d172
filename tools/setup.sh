#!/usr/bin/env bash
# Installs what the build and tests need on a clean Debian machine with the .NET SDK.
# Idempotent: each step checks first. Every area keeps its own step in tools/setup/*.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DEBIAN_FRONTEND=noninteractive

# apt_install PACKAGE...: installs the Debian packages that are missing (runs `apt-get update` once).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "${ANALYSIS_APT_UPDATED:-}" ]; then apt-get update -q >/dev/null; export ANALYSIS_APT_UPDATED=1; fi
  echo "setup: apt-get install ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
export -f apt_install

for step in "$here"/setup/*.sh; do
  bash "$step"
done
