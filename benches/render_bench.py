#!/usr/bin/env python3
"""Renderer benchmark (issue #19): hayro (through `foiredact render`) against poppler's `pdftoppm`.

Usage (after `cargo build --release`):
    python3 benches/render_bench.py [--dpi 150] [--limit-pages N] [--json OUT] [--bin target/release/foiredact]
                                    [--corpus ../shared/corpus] [--realworld ../shared/realworld/pdfs]

For every PDF of the corpus and of the real-world set, both renderers draw the pages at --dpi:
  * hayro:    `foiredact render PDF --out DIR --dpi N`     (DIR/<stem>-<page>.png, 1-based)
  * pdftoppm: `pdftoppm -r N -png PDF DIR/p`               (DIR/p-<page>.png)
With --limit-pages N, a file of more than N pages has only its first N rendered, by BOTH renderers one page
per call (`--page K` / `-f K -l K`), so that process start-up weighs the same on both sides.

Per file: the wall clock of each renderer (3 runs, interleaved and alternating which goes first; the median
is taken), divided by the pages it rendered; its outcome: `ok` (exit 0 and one PNG per page), `partial`
(exit 0 with pages missing), `failed` (a non-zero exit with no crash: a clean refusal), `crashed` (killed
by a signal, or a Rust panic), `hung` (over --timeout, default 60 s, killed). A hang or crash is not re-run.
Each child runs with an address-space limit (--mem-mb, default 4096) so that one huge page cannot take the
shared machine's memory.

Fidelity: `tesseract` (one thread) reads both renders of every page that both rendered; a page's words are
the lowercased alphanumeric runs of two or more characters; its score is the Jaccard index of the two word
sets (1.0 when both are empty: such pages are counted in `empty_pages`).

`pdftoppm_ppm` is the same pdftoppm render written as PPM (`pdftoppm -r N PDF DIR/p`), timed only: pdftoppm's
PNG encoder takes most of its time on a text page, so this is the baseline for the rasterising itself.

Output: one line per file, then the summary lines
    files=... hayro_ok=... hayro_failed=... hayro_crashed=... hayro_hung=... pdftoppm_ok=... ...   (files)
    pages=N hayro_ok=.. pdftoppm_ok=.. jaccard_median=.. jaccard_p10=.. hayro_ms_per_page_median=..
        pdftoppm_ms_per_page_median=.. ratio=..                                                    (pages)
and `low <file> page=K jaccard=..` for every page under 0.9. `pages` counts the pages asked for (pdfinfo's
count, capped by --limit-pages; for a file pdfinfo cannot count, the most either renderer produced);
`*_ok` are pages rendered; the ms-per-page medians are over the files both renderers rendered whole, and
`ratio` = hayro median / pdftoppm median (over 1: hayro is slower); the next line gives the same against
pdftoppm's PPM output (`ratio_vs_ppm`, over the files all three rendered). Figures are from one run on one
machine: compare the ratio, not the raw times.
"""
import argparse
import glob
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPS = 3


def limit_memory(mb):
    def f():
        if mb > 0:
            resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
    return f


def run(cmd, timeout, mem_mb):
    """(seconds, outcome, detail): outcome ok / failed / crashed / hung (exit-code level only)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit_memory(mem_mb),
                         start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return time.perf_counter() - t, "hung", f"over {timeout} s"
    dt = time.perf_counter() - t
    err = err.decode("utf-8", errors="replace")
    if p.returncode < 0:
        return dt, "crashed", f"signal {-p.returncode}"
    if "panicked" in err or p.returncode == 101:
        return dt, "crashed", "panic: " + err.strip().splitlines()[-1][:160] if err.strip() else "exit 101"
    if p.returncode != 0:
        last = err.strip().splitlines()[-1][:160] if err.strip() else ""
        return dt, "failed", f"exit {p.returncode}: {last}"
    return dt, "ok", ""


def page_count(pdf):
    try:
        r = subprocess.run(["pdfinfo", pdf], capture_output=True, timeout=30)
        m = re.search(rb"^Pages:\s+(\d+)", r.stdout, re.M)
        return int(m.group(1)) if m else None
    except subprocess.TimeoutExpired:
        return None


def pngs(d):
    """{page: path} of the PNGs in d, named ...-<page>.png."""
    out = {}
    for f in os.listdir(d):
        m = re.search(r"-(\d+)\.(png|ppm)$", f)
        if m:
            out[int(m.group(1))] = os.path.join(d, f)
    return out


class Renderer:
    def __init__(self, name, whole, one):
        self.name, self.whole, self.one = name, whole, one

    def render(self, pdf, pages, d, a):
        """Render into a fresh d: all pages (pages None) or the listed ones one call each.
        (seconds, outcome, detail, {page: png})."""
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        if pages is None:
            dt, oc, det = run(self.whole(pdf, d, a.dpi), a.timeout, a.mem_mb)
        else:
            dt, oc, det = 0.0, "ok", ""
            for k in pages:
                t, o, x = run(self.one(pdf, d, a.dpi, k), a.timeout, a.mem_mb)
                dt += t
                if o != "ok":
                    oc, det = o, f"page {k}: {x}"
                    break
        got = pngs(d)
        if oc == "ok" and pages is not None and set(pages) - set(got):
            oc, det = "partial", f"exit 0 without pages {sorted(set(pages) - set(got))[:5]}"
        return dt, oc, det, got


def words(png, timeout):
    try:
        r = subprocess.run(["tesseract", png, "stdout", "-l", "eng"], capture_output=True, timeout=timeout,
                           env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    except subprocess.TimeoutExpired:
        return None
    if r.returncode != 0:
        return None
    return {w for w in re.findall(r"[a-z0-9]+", r.stdout.decode("utf-8", errors="replace").lower()) if len(w) >= 2}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def pct(xs, q):
    """The q-quantile (0..1) of xs, nearest rank."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))]


def main():
    ap = argparse.ArgumentParser(description="hayro (foiredact render) against pdftoppm: speed, failures, OCR fidelity")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/foiredact"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/corpus"))
    ap.add_argument("--realworld", default=os.path.join(ROOT, "../shared/realworld/pdfs"))
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--limit-pages", type=int, default=0, help="render at most this many pages of a file (0: all)")
    ap.add_argument("--timeout", type=int, default=60, help="seconds before a render counts as hung")
    ap.add_argument("--mem-mb", type=int, default=4096, help="address-space limit of each render (0: none)")
    ap.add_argument("--json", help="write every per-file and per-page figure here")
    ap.add_argument("--files", nargs="*", help="only these PDFs (default: the corpus and the real-world set)")
    a = ap.parse_args()

    for prog in ("pdftoppm", "pdfinfo", "tesseract"):
        if not shutil.which(prog):
            sys.exit(f"render_bench: missing program {prog} (apt-get install poppler-utils tesseract-ocr)")
    if not os.path.exists(a.bin):
        sys.exit(f"render_bench: missing {a.bin} (cargo build --release)")
    h = subprocess.run([a.bin, "render", "--help"], capture_output=True)
    if h.returncode != 0:
        sys.exit(f"render_bench: {a.bin} has no `render` subcommand")
    files = a.files or sorted(glob.glob(os.path.join(a.corpus, "*.pdf"))) + sorted(glob.glob(os.path.join(a.realworld, "*.pdf")))
    if not files:
        sys.exit(f"render_bench: no PDFs in {a.corpus} or {a.realworld}")

    hayro = Renderer(
        "hayro",
        lambda pdf, d, dpi: [a.bin, "render", pdf, "--out", d, "--dpi", str(dpi)],
        lambda pdf, d, dpi, k: [a.bin, "render", pdf, "--out", d, "--dpi", str(dpi), "--page", str(k)],
    )
    poppler = Renderer(
        "pdftoppm",
        lambda pdf, d, dpi: ["pdftoppm", "-r", str(dpi), "-png", pdf, os.path.join(d, "p")],
        lambda pdf, d, dpi, k: ["pdftoppm", "-r", str(dpi), "-png", "-f", str(k), "-l", str(k), pdf, os.path.join(d, "p")],
    )
    # pdftoppm's PNG encoder (libpng, default zlib level) takes most of its time on a text page; the same
    # render written as PPM (no compression) is timed too, as the baseline for the rasterising alone
    poppler_ppm = Renderer(
        "pdftoppm_ppm",
        lambda pdf, d, dpi: ["pdftoppm", "-r", str(dpi), pdf, os.path.join(d, "p")],
        lambda pdf, d, dpi, k: ["pdftoppm", "-r", str(dpi), "-f", str(k), "-l", str(k), pdf, os.path.join(d, "p")],
    )
    rs = [hayro, poppler, poppler_ppm]
    # a kill (SIGTERM) unwinds through `finally`, so the temporary folder goes too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("render_bench: terminated"))
    work = tempfile.mkdtemp(prefix="render-bench-")
    load0 = os.getloadavg()
    results = []
    try:
        for pdf in files:
            n = page_count(pdf)
            pages = None
            if a.limit_pages and (n is None or n > a.limit_pages):
                pages = list(range(1, a.limit_pages + 1))
                if n is None:
                    pages = None  # unknown count: render whole, keep the first pages for OCR below
            rec = {"file": os.path.relpath(pdf, os.path.join(ROOT, "..")), "pdfinfo_pages": n}
            times = {r.name: [] for r in rs}
            first = {}
            for rep in range(REPS):
                order = rs[rep % len(rs):] + rs[:rep % len(rs)]  # each renderer goes first once
                for r in order:
                    if rep > 0 and first[r.name][1] != "ok":
                        continue  # a failure, crash or hang is not timed again
                    d = os.path.join(work, f"{r.name}-{rep}")
                    dt, oc, det, got = r.render(pdf, pages, d, a)
                    times[r.name].append(dt)
                    if rep == 0:
                        keep = os.path.join(work, f"{r.name}-keep")
                        shutil.rmtree(keep, ignore_errors=True)
                        os.rename(d, keep)
                        first[r.name] = (dt, oc, det, {k: p.replace(d, keep) for k, p in got.items()})
            asked = len(pages) if pages else (n or max(len(first[r.name][3]) for r in rs))
            if a.limit_pages:
                asked = min(asked, a.limit_pages)
            rec["pages"] = asked
            for r in rs:
                dt, oc, det, got = first[r.name]
                k = len([p for p in got if p <= asked])
                if oc == "ok" and n is not None and k < asked:
                    oc, det = "partial", f"exit 0 with {k} of {asked} pages"
                rec[r.name] = {"outcome": oc, "detail": det, "pages_rendered": k,
                               "wall_s": [round(x, 4) for x in times[r.name]],
                               "ms_per_page": round(1000 * statistics.median(times[r.name]) / k, 2) if oc == "ok" and k else None}
            # fidelity on the pages both rendered
            hp, pp = first["hayro"][3], first["pdftoppm"][3]  # the PPM copy is only timed
            per_page = []
            for k in sorted(set(hp) & set(pp)):
                if k > asked:
                    continue
                wh, wp = words(hp[k], a.timeout), words(pp[k], a.timeout)
                if wh is None or wp is None:
                    per_page.append({"page": k, "jaccard": None, "note": "tesseract failed"})
                    continue
                per_page.append({"page": k, "jaccard": round(jaccard(wh, wp), 4), "hayro_words": len(wh),
                                 "pdftoppm_words": len(wp), "empty": not wh and not wp})
            rec["per_page"] = per_page
            js = [p["jaccard"] for p in per_page if p["jaccard"] is not None]
            results.append(rec)
            print(f"{rec['file']}: pages={asked} "
                  + " ".join(f"{r.name}={rec[r.name]['outcome']}"
                             + (f"({rec[r.name]['ms_per_page']}ms/p)" if rec[r.name]["ms_per_page"] else "")
                             + (f"[{rec[r.name]['detail']}]" if rec[r.name]["detail"] else "") for r in rs)
                  + (f" jaccard_min={min(js):.3f}" if js else ""), flush=True)
            for r in rs:
                shutil.rmtree(os.path.join(work, f"{r.name}-keep"), ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # summary
    out = {"dpi": a.dpi, "limit_pages": a.limit_pages, "timeout_s": a.timeout, "reps": REPS,
           "loadavg_start": load0, "loadavg_end": os.getloadavg(), "files": results}
    fl = []
    for r in ("hayro", "pdftoppm", "pdftoppm_ppm"):
        c = {o: sum(x[r]["outcome"] == o for x in results) for o in ("ok", "partial", "failed", "crashed", "hung")}
        fl.append(" ".join(f"{r}_{o}={v}" for o, v in c.items()))
    both_fail = sum(x["hayro"]["outcome"] != "ok" and x["pdftoppm"]["outcome"] != "ok" for x in results)
    only_h = sum(x["hayro"]["outcome"] != "ok" and x["pdftoppm"]["outcome"] == "ok" for x in results)
    only_p = sum(x["hayro"]["outcome"] == "ok" and x["pdftoppm"]["outcome"] != "ok" for x in results)
    line1 = f"files={len(results)} " + " ".join(fl) + f" only_hayro_not_ok={only_h} only_pdftoppm_not_ok={only_p} both_not_ok={both_fail}"
    pages = sum(x["pages"] for x in results)
    h_ok = sum(x["hayro"]["pages_rendered"] for x in results)
    p_ok = sum(x["pdftoppm"]["pages_rendered"] for x in results)
    js = [p["jaccard"] for x in results for p in x["per_page"] if p["jaccard"] is not None]
    empty = sum(bool(p.get("empty")) for x in results for p in x["per_page"])
    both = [x for x in results if x["hayro"]["ms_per_page"] and x["pdftoppm"]["ms_per_page"]]
    hm = statistics.median([x["hayro"]["ms_per_page"] for x in both]) if both else float("nan")
    pm = statistics.median([x["pdftoppm"]["ms_per_page"] for x in both]) if both else float("nan")
    line2 = (f"pages={pages} hayro_ok={h_ok} pdftoppm_ok={p_ok} jaccard_median={pct(js, 0.5):.3f} "
             f"jaccard_p10={pct(js, 0.1):.3f} hayro_ms_per_page_median={hm:.1f} "
             f"pdftoppm_ms_per_page_median={pm:.1f} ratio={hm / pm:.2f}")
    both3 = [x for x in both if x["pdftoppm_ppm"]["ms_per_page"]]
    hm3 = statistics.median([x["hayro"]["ms_per_page"] for x in both3]) if both3 else float("nan")
    qm3 = statistics.median([x["pdftoppm_ppm"]["ms_per_page"] for x in both3]) if both3 else float("nan")
    line2b = (f"files_timed_ppm={len(both3)} hayro_ms_per_page_median={hm3:.1f} "
              f"pdftoppm_ppm_ms_per_page_median={qm3:.1f} ratio_vs_ppm={hm3 / qm3:.2f}")
    line3 = (f"pages_compared={len(js)} empty_pages={empty} files_timed={len(both)} dpi={a.dpi} "
             f"limit_pages={a.limit_pages} loadavg_start={load0[0]:.2f} loadavg_end={os.getloadavg()[0]:.2f}")
    low = [(x["file"], p) for x in results for p in x["per_page"] if p["jaccard"] is not None and p["jaccard"] < 0.9]
    print(line1)
    print(line2)
    print(line2b)
    print(line3)
    print(f"low_pages={len(low)} (jaccard < 0.9)")
    for f, p in low:
        print(f"low {f} page={p['page']} jaccard={p['jaccard']:.3f} hayro_words={p['hayro_words']} pdftoppm_words={p['pdftoppm_words']}")
    out["summary"] = [line1, line2, line2b, line3]
    out["low"] = [{"file": f, **p} for f, p in low]
    if a.json:
        with open(a.json, "w", encoding="utf-8") as o:
            json.dump(out, o, indent=1)


if __name__ == "__main__":
    main()
