#!/bin/bash
# Runs the issue-16 cases of tests/reading with a foiredact binary and prints, per case, whether
# pdftotext still reads the redacted text (leak=N) or Part 2 text in Part 1: compare an old and a new build.
# Usage: tests/reading/compare.sh path/to/foiredact
B=$(realpath "$1"); R=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$R/../.." && pwd); cd "$(mktemp -d)"
fold() { python3 -c "import sys,unicodedata; t=unicodedata.normalize('NFKD', sys.stdin.read()); print(''.join(c for c in t if not unicodedata.combining(c)).lower().replace(' ','').replace('\n',''))"; }
run() { rm -rf o; printf "$2" > t.txt; shift 2; $B redact "$@" --out o --quiet >/dev/null 2>/dev/null; echo "exit=$?"; }
for p in reportlab fpdf2 libreoffice; do
  run x "José Martínez\nRenée Müller\n" $R/nfd-$p.pdf --terms t.txt --rules $ROOT/rules/sections.toml
  echo "nfd-$p terms: leak=$(pdftotext o/nfd-$p.part1.pdf - 2>/dev/null | fold | grep -c -e martinez -e muller)"
done
for p in reportlab fpdf2; do
  run x "Hewitt\nThornbury\n" $R/lookalike-$p.pdf --terms t.txt --rules $ROOT/rules/sections.toml
  echo "lookalike-$p: leak=$(pdftotext o/lookalike-$p.part1.pdf - 2>/dev/null | python3 -c "import sys,unicodedata;print(unicodedata.normalize('NFKC',sys.stdin.read()))" | grep -c -i -e thornbury -e 'Неwitt')"
done
for p in reportlab fpdf2 libreoffice; do
  run x "Wolstenholme\n" $R/hyphen-$p.pdf --terms t.txt --rules $ROOT/rules/sections.toml
  echo "hyphen-$p terms: leak=$(pdftotext o/hyphen-$p.part1.pdf - 2>/dev/null | fold | grep -c -e holme)"
  run x "Nobody\n" $R/hyphen-$p.pdf
  echo "hyphen-$p rules: leak=$(pdftotext o/hyphen-$p.part1.pdf - 2>/dev/null | fold | grep -c -e holme)"
done
for c in spaced numeral; do for p in reportlab fpdf2 libreoffice; do
  run x "Nobody\n" $R/$c-$p.pdf
  echo "$c-$p: part2 in part1=$(pdftotext o/$c-$p.part1.pdf - 2>/dev/null | grep -c 'Legal advice')"
done; done
