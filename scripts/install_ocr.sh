#!/usr/bin/env bash
# Tesseract and the language packs officers meet, from Debian. Run by `make setup`:
# installs with apt-get when it can (root, as on CI), otherwise prints the one command
# to run; without Tesseract the product still runs and reports scanned pages as unread.
# Safe to run again: nothing is done when every pack is there.
set -euo pipefail

LANGS="eng spa fra deu ita nld por pol jpn ind"
missing=""
for l in $LANGS; do
    [ -e "/usr/share/tesseract-ocr/5/tessdata/$l.traineddata" ] || missing="$missing tesseract-ocr-$l"
done
if command -v tesseract >/dev/null 2>&1 && [ -z "$missing" ]; then
    echo "tesseract: already installed ($(tesseract --version 2>&1 | head -1))"
    exit 0
fi
packages="tesseract-ocr$missing"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "tesseract: installing $packages with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends $packages >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages >/dev/null; }
else
    echo "##########################################################################"
    echo "## Tesseract is missing: scanned pages will be reported, not read (OCR off)."
    echo "## To read them, run:  sudo apt-get install -y $packages"
    echo "##########################################################################"
fi
