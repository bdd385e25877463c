#!/usr/bin/env python3
"""OCR benchmark (issue "OCR"): seconds per OCR'd page, against Tesseract alone on the same page images.

Usage (after `cargo build --release`):  python3 benches/ocr_bench.py [--corpus ../shared/corpus] [--copies 2]

Makes image-only copies of the corpus scans (their OCR text layer stripped with PyMuPDF), then times
  * the baseline: the `tesseract` program alone (TSV output, one thread, as foiredact runs it) on every
    page image at its native resolution, one page after another;
  * `foiredact redact --ocr auto` on the same files at --jobs 1 and --jobs 2 (OCR of the input, blanking,
    and OCR of the output again for verification included).
Prints one `key=value` line per figure and writes target/bench/ocr.json. Figures are ratios from one run.
"""
import argparse, glob, json, os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def strip(src, dst):
    import pymupdf
    d = pymupdf.open(src)
    for x in range(1, d.xref_length()):
        if d.xref_is_stream(x) and d.xref_get_key(x, "Subtype")[1] != "/Image":
            s = d.xref_stream(x)
            if s and re.search(rb"\bBT\b", s):
                d.update_stream(x, re.sub(rb"(?s)\bBT\b.*?\bET\b", b"", s))
    d.save(dst, garbage=3)


def page_images(pdf, outdir):
    import pymupdf
    d = pymupdf.open(pdf)
    paths = []
    for n, page in enumerate(d):
        imgs = page.get_images(full=True)
        if not imgs:
            continue
        pix = pymupdf.Pixmap(d, imgs[0][0])
        if pix.n != 1:
            pix = pymupdf.Pixmap(pymupdf.csGRAY, pix)
        p = os.path.join(outdir, f"{os.path.basename(pdf)}-{n}.png")
        pix.save(p)
        paths.append(p)
    return paths


def run(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/corpus"))
    ap.add_argument("--copies", type=int, default=2)
    a = ap.parse_args()
    binary = os.path.join(ROOT, "target/release/foiredact")
    scans = sorted(glob.glob(os.path.join(a.corpus, "*-scanned.pdf")))
    if not scans or not os.path.exists(binary) or not shutil.which("tesseract"):
        sys.exit("ocr_bench: needs the corpus scans, target/release/foiredact and tesseract")
    work = tempfile.mkdtemp(prefix="ocr-bench-")
    inp = os.path.join(work, "in")
    os.makedirs(inp)
    for c in range(a.copies):
        for s in scans:
            strip(s, os.path.join(inp, f"c{c}-{os.path.basename(s)}"))
    imgs = []
    for s in scans:
        imgs += page_images(os.path.join(inp, f"c0-{os.path.basename(s)}"), work)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t_tess = sum(run(["tesseract", p, "stdout", "-l", "eng", "--psm", "3", "tsv"], env=env) for p in imgs)
    per_tess = t_tess / len(imgs)
    res = {"ocr_pages_per_copy": len(imgs), "copies": a.copies, "tesseract_s_per_page": round(per_tess, 3)}
    for jobs in (1, 2):
        out = os.path.join(work, f"out{jobs}")
        t = run([binary, "redact", inp, "--out", out, "--jobs", str(jobs)])
        summ = json.load(open(os.path.join(out, "summary.json")))
        pages = sum(len(r.get("ocr", [])) for r in summ["results"])
        done = sum(r["status"] == "done" for r in summ["results"])
        res[f"jobs{jobs}_files_done"] = f"{done}/{len(summ['results'])}"
        res[f"jobs{jobs}_ocr_pages"] = pages
        res[f"foiredact_jobs{jobs}_s_per_page"] = round(t / max(pages, 1), 3)
    res["ratio_vs_tesseract_jobs1"] = round(res["foiredact_jobs1_s_per_page"] / per_tess, 2)
    res["jobs2_speedup"] = round(res["foiredact_jobs1_s_per_page"] / res["foiredact_jobs2_s_per_page"], 2)
    # One multi-page file alone: its pages are OCR'd in parallel (--jobs 2 gives the page pool 2 threads).
    big = max(scans, key=lambda s: len(page_images(s, work)))
    one = os.path.join(work, "one")
    os.makedirs(one)
    shutil.copy(os.path.join(inp, f"c0-{os.path.basename(big)}"), one)
    t1 = run([binary, "redact", one, "--out", os.path.join(work, "o1"), "--jobs", "1"])
    t2 = run([binary, "redact", one, "--out", os.path.join(work, "o2"), "--jobs", "2"])
    res["one_file_pages"] = len(page_images(big, work))
    res["one_file_jobs2_speedup"] = round(t1 / t2, 2)
    for k, v in res.items():
        print(f"{k}={v}")
    os.makedirs(os.path.join(ROOT, "target/bench"), exist_ok=True)
    json.dump(res, open(os.path.join(ROOT, "target/bench/ocr.json"), "w"), indent=2)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
