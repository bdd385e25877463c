#!/usr/bin/env bash
# The "Batch at scale" benchmark. Usage, from anywhere:
#   bash benches/bench.sh                # full run (10,000-file memory test included)
#   BENCH_QUICK=1 bash benches/bench.sh  # memory test scaled down to 2,000 files
# Also: BENCH_MEM_FILES=N (0 skips the memory test), BENCH_CORPUS=DIR (default ../shared/corpus).
# Builds the binaries, installs what it needs if missing, then runs benches/bench.py, which prints the
# figures and writes target/bench/results.json. See benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "bench: error: $*" >&2; exit 1; }
step() { echo "[bench] $*" >&2; }

command -v cargo >/dev/null || die "cargo not found"
command -v python3 >/dev/null || die "python3 not found"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "python3 >= 3.10 needed (found $(python3 --version 2>&1))"

# System tools: /usr/bin/time (peak RSS), qpdf (big files), poppler-utils (pdfinfo, for a look by hand),
# tesseract (foiredact reads pages drawn as outlines by OCR; the OCR figure times it).
need=""
command -v tesseract >/dev/null || need="$need tesseract-ocr tesseract-ocr-eng"
[ -x /usr/bin/time ] || need="$need time"
command -v qpdf >/dev/null || need="$need qpdf"
command -v pdfinfo >/dev/null || need="$need poppler-utils"
if [ -n "$need" ]; then
  step "installing$need"
  command -v apt-get >/dev/null || die "missing$need and no apt-get to install them"
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends $need) >/dev/null \
    || die "apt-get install$need failed"
fi

# PyMuPDF 2.0, the version the shared checkers use.
if ! python3 -c 'import pymupdf, sys; sys.exit(0 if pymupdf.VersionBind.startswith("2.0") else 1)' 2>/dev/null; then
  step "installing pymupdf==2.0"
  python3 -m pip install --disable-pip-version-check -q pymupdf==2.0 || die "pip install pymupdf==2.0 failed"
fi

step "cargo build --release"
cargo build --release -q || die "cargo build --release failed"
step "cargo build --release --example lopdf_floor"
cargo build --release -q --example lopdf_floor || die "building examples/lopdf_floor.rs failed"

exec python3 benches/bench.py
