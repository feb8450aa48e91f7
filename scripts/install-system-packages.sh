#!/usr/bin/env bash
# Debian packages the test suite needs (the embedded default, `npm start`, needs none of them).
# Versions are those of Debian 12 (bookworm); apt pins them to the release.
set -euo pipefail
# Java 17 and Maven fetch and run veraPDF (scripts/install-test-tools.sh); fonts-noto-cjk draws CJK
# names in PDFs (without it, those names are refused with the character named). pgbouncer stands
# in front of the tests' PostgreSQL in transaction pooling (test/helpers/pgbouncer.ts starts its
# own; the system service the package installs is not used).
PACKAGES=(dovecot-imapd postgresql pgbouncer chromium poppler-utils qpdf icc-profiles-free fonts-noto-cjk openjdk-17-jre-headless maven)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[dossier setup] system packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
