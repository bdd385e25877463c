#!/usr/bin/env python3
"""What a change costs `foiredact review`: two builds timed on the same inputs in one run, interleaved,
as a ratio (new / old) of the median wall time and of the median CPU time of the child.

    python3 benches/review_cost.py --old OLD_BIN --new NEW_BIN [--corpus ../shared/corpus] [--repeats 5]

The inputs are the corpus's text PDFs (`dev-*-{fpdf2,libreoffice,reportlab}.pdf`, no scans: OCR would
swamp what is measured) and `samples/*.pdf` but the scan, reviewed in one run at `--jobs 1`. Also prints
the bytes each build writes (the marked PDFs of issue #23 are one more copy of each input).
"""
import argparse
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def inputs(corpus: pathlib.Path, repo: pathlib.Path) -> list:
    files = sorted(
        p for p in corpus.glob("dev-*.pdf") if "scanned" not in p.name
    ) + sorted(p for p in (repo / "samples").glob("*.pdf") if "scanned" not in p.name)
    if not files:
        sys.exit("review_cost: error: no inputs")
    return files


def run(binary: str, files: list, out: pathlib.Path) -> tuple:
    if out.exists():
        shutil.rmtree(out)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(
        [binary, "review", *map(str, files), "--out", str(out), "--jobs", "1", "--quiet"],
        capture_output=True,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"review_cost: error: {binary} exited {r.returncode}: {r.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return wall, cpu, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    repo = pathlib.Path(__file__).resolve().parent.parent
    files = inputs(pathlib.Path(a.corpus), repo)
    res = {"old": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="review-cost-") as d:
        for _ in range(a.repeats):
            for name in ("old", "new"):
                res[name].append(run(getattr(a, name), files, pathlib.Path(d) / name))
    med = {k: (statistics.median(w for w, _, _ in v), statistics.median(c for _, c, _ in v), v[0][2])
           for k, v in res.items()}
    print(f"inputs={len(files)} repeats={a.repeats} jobs=1")
    for k in ("old", "new"):
        w, c, s = med[k]
        print(f"{k}: wall_s={w:.3f} cpu_s={c:.3f} bytes_written={s}")
    print(f"new_vs_old_wall_ratio={med['new'][0] / med['old'][0]:.3f}")
    print(f"new_vs_old_cpu_ratio={med['new'][1] / med['old'][1]:.3f}")
    print(f"new_vs_old_bytes_ratio={med['new'][2] / med['old'][2]:.3f}")


if __name__ == "__main__":
    main()
