#!/bin/sh
# Debian packages the tests use: chromium (browser tests), libreoffice-writer-nogui and
# poppler-utils (render a .docx to PDF and PNG), libreoffice-calc-nogui (open the CSV export as
# Calc does), postgresql (a real server for the tests),
# nginx-light (the scale-out test puts the shipped deploy/nginx.conf in front of two processes).
# Needs root (apt-get). Without root, or without apt-get, say what is skipped and why:
# the tests that need a missing program skip with a visible reason.
set -u
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
[ -e /usr/lib/libreoffice/program/libsclo.so ] || missing="$missing libreoffice-calc-nogui"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Paquets système absents :$missing — installation ignorée : elle demande les droits root" \
       "(sudo apt-get install$missing). Les tests qui en ont besoin seront ignorés avec leur raison."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Paquets système absents :$missing — pas d'apt-get sur cette machine : installation ignorée."
  exit 0
fi
echo "Installation des paquets système :$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null \
  || echo "L'installation de$missing a échoué : les tests qui en ont besoin seront ignorés."
exit 0
