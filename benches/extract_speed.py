#!/usr/bin/env python3
"""Extraction speed: pages per second of `foiredact text --ocr never` over the corpus and real-world PDFs,
against `pdftotext` (poppler) on the same files in the same run (the baseline). Each tool reads every
file `--rounds` times (default 3), one process per file, one file after another.

Usage (after `cargo build --release`): python3 benches/extract_speed.py [--rounds N]
Prints `pages=`, `foiredact_pages_per_s=`, `pdftotext_pages_per_s=`, `ratio_vs_pdftotext=`.
"""
import argparse, glob, os, subprocess, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pages(f):
    o = subprocess.run(["pdfinfo", f], capture_output=True, text=True)
    for line in o.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(ROOT, "../shared/corpus/*.pdf"))
                   + glob.glob(os.path.join(ROOT, "../shared/realworld/pdfs/*.pdf")))
    binary = os.path.join(ROOT, "target/release/foiredact")
    # Only the files both tools read (a declined or unreadable file measures nothing).
    ok = []
    for f in files:
        if subprocess.run([binary, "text", "--ocr", "never", f], capture_output=True).returncode == 0 \
                and subprocess.run(["pdftotext", f, "-"], capture_output=True).returncode == 0:
            ok.append(f)
    n = sum(pages(f) for f in ok) * a.rounds
    def timed(cmd):
        t = time.perf_counter()
        for _ in range(a.rounds):
            for f in ok:
                subprocess.run(cmd(f), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t
    t_ours = timed(lambda f: [binary, "text", "--ocr", "never", f])
    t_poppler = timed(lambda f: ["pdftotext", f, "-"])
    print(f"files={len(ok)} pages={n}")
    print(f"foiredact_pages_per_s={n / t_ours:.1f}")
    print(f"pdftotext_pages_per_s={n / t_poppler:.1f}")
    print(f"ratio_vs_pdftotext={t_poppler / t_ours:.2f}")


if __name__ == "__main__":
    main()
