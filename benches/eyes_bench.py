#!/usr/bin/env python3
"""The page as pixels, cost (issue #19, point 5): seconds per page of each path, against one plain
`tesseract` pass on a 300 dpi render of the same page, and text pages against the binary before #19.

Usage (after `cargo build --release`):
    python3 benches/eyes_bench.py [--repeats 3] [--old OLD_BINARY] [--corpus ../shared/corpus] [--json OUT]

Part 1, the classes of tests/visual/make_visual.py (generated into a temporary folder). Per file, in
each of `--repeats` rounds (the order of the three rotated from round to round), timed:
  * the baseline: per page, `tesseract IMG stdout tsv` (OMP_THREAD_LIMIT=1) on `pdftoppm -r 300 -gray`
    of that page (the render is made beforehand and not timed; its time is printed apart);
  * `foiredact redact FILE --out DIR --jobs 1 --terms MUST_GO` (the defaults: --ocr auto,
    --verify-visual auto);
  * the same with `--verify-visual never`.
Each figure is the median of the rounds; a class's seconds per page are the sum of its files' medians
over its pages. `ratio` = foiredact s/page / tesseract s/page, on the same pages; `verify_share` = 1 -
never/auto (what verification by eye adds, as a share of the auto run).

Part 2, with `--old`: the corpus text files (`dev-*-{reportlab,fpdf2,libreoffice}.pdf`), `--text-copies`
(4) copies of each in one folder, `redact --jobs 1 --terms benches/terms.txt` with the new and the old
binary, rounds interleaved (the order swapped each round); `text_pages_new_vs_old_ratio` = median wall
new / median wall old. Then the same on the files none of whose pages the new binary read by eye
(`plain_new_vs_old_ratio`: pages that need none of this), and the extra time of a page read by eye
(the difference of the two differences, over those pages) against one tesseract pass on a 300 dpi
render of it (`eyes_page_ratio_vs_tesseract`). Also which pages were read by eye (`eyes` in
summary.json), and why.

Wall time is taken around each process; CPU time (user+sys of the process and its children, tesseract
included) beside it: on a shared machine under load the CPU ratio is the steadier one.
Prints `key=value` lines; `--json` keeps every run.
"""
import argparse, glob, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CLASSES = [
    ("scan_with_layer", "abc"),
    ("all_outlines", "d"),
    ("outlined_line", "e"),
    ("screenshot", "f"),
    ("unmapped_glyphs", "gh"),
]


def timed(cmd, **kw):
    """Wall and CPU seconds (this process's children: the command and what it waited for), exit code."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu, p.returncode, p.stderr.decode(errors="replace")[-400:]


def pages_of(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return next(int(l.split()[-1]) for l in out.splitlines() if l.startswith("Pages:"))


def med(xs):
    return statistics.median(xs)


def loadavg():
    return os.getloadavg()[0]


def redact(binary, src, out, terms, extra=()):
    shutil.rmtree(out, ignore_errors=True)
    w, c, rc, err = timed([binary, "redact", src, "--out", out, "--jobs", "1", "--terms", terms, *extra])
    if rc not in (0, 1):
        sys.exit(f"eyes_bench: error: {binary} exit {rc} on {src}: {err}")
    return w, c


def summary(out):
    return json.load(open(os.path.join(out, "summary.json")))["results"]


def classes(a, binary, work, env, res):
    vis = os.path.join(work, "vis")
    subprocess.run([sys.executable, os.path.join(ROOT, "tests/visual/make_visual.py"), vis],
                   check=True, stdout=subprocess.DEVNULL)
    manifest = json.load(open(os.path.join(vis, "manifest.json")))["files"]
    files = []
    for m in manifest:
        pdf = os.path.join(vis, m["file"])
        terms = os.path.join(work, m["file"] + ".terms")
        with open(terms, "w") as f:
            f.write("\n".join(m["must_go"]) + "\n")
        n = pages_of(pdf)
        imgs, t_render = [], 0.0
        for p in range(1, n + 1):
            prefix = os.path.join(work, f"{m['file']}-p{p}")
            w, _, rc, err = timed(["pdftoppm", "-r", "300", "-gray", "-f", str(p), "-l", str(p),
                                   "-singlefile", pdf, prefix])
            if rc != 0:
                sys.exit(f"eyes_bench: error: pdftoppm on {pdf}: {err}")
            t_render += w
            imgs.append(prefix + ".pgm")
        files.append({"file": m["file"], "class": m["class"], "pdf": pdf, "terms": terms, "pages": n,
                      "imgs": imgs, "render_s": t_render, "tess": [], "auto": [], "never": []})

    def tess(f):
        w = c = 0.0
        for img in f["imgs"]:
            dw, dc, rc, err = timed(["tesseract", img, "stdout", "tsv"], env=env)
            if rc != 0:
                sys.exit(f"eyes_bench: error: tesseract on {img}: {err}")
            w, c = w + dw, c + dc
        return w, c

    runs = {
        "tess": tess,
        "auto": lambda f: redact(binary, f["pdf"], os.path.join(work, "out-" + f["file"]), f["terms"]),
        "never": lambda f: redact(binary, f["pdf"], os.path.join(work, "outn-" + f["file"]), f["terms"],
                                  ("--verify-visual", "never")),
    }
    order = ["tess", "auto", "never"]
    for k in range(a.repeats):
        for f in files:
            for name in order[k % 3:] + order[:k % 3]:
                f[name].append(runs[name](f))
    for f in files:
        s = summary(os.path.join(work, "out-" + f["file"]))[0]
        sn = summary(os.path.join(work, "outn-" + f["file"]))[0]
        f["status"], f["status_never"] = s["status"], sn["status"]
        f["eyes"] = s.get("eyes", [])
        f["ocr_pages"] = len(s.get("ocr", []))
        f["checked_by_eye"], f["checked_by_eye_never"] = s.get("checked_by_eye", 0), sn.get("checked_by_eye", 0)
        for name in order:
            f[name + "_wall"] = med([w for w, _ in f[name]])
            f[name + "_cpu"] = med([c for _, c in f[name]])
        print(f"file={f['file']} pages={f['pages']} status={f['status']} "
              f"eyes_regions={sum(e['regions'] for e in f['eyes'])} ocr_pages={f['ocr_pages']} "
              f"checked_by_eye={f['checked_by_eye']}/{f['checked_by_eye_never']} "
              f"tess_s={f['tess_wall']:.2f} auto_s={f['auto_wall']:.2f} never_s={f['never_wall']:.2f} "
              f"render_s={f['render_s']:.2f} ratio={f['auto_wall'] / f['tess_wall']:.2f}")
    for cname, letters in CLASSES:
        fs = [f for f in files if f["class"] in letters]
        pages = sum(f["pages"] for f in fs)
        row = {"files": len(fs), "pages": pages}
        for name in order:
            for kind in ("wall", "cpu"):
                row[f"{name}_{kind}_s_per_page"] = round(sum(f[f"{name}_{kind}"] for f in fs) / pages, 3)
        for kind in ("wall", "cpu"):
            t = row[f"tess_{kind}_s_per_page"]
            row[f"ratio_{kind}"] = round(row[f"auto_{kind}_s_per_page"] / t, 2)
            row[f"ratio_never_{kind}"] = round(row[f"never_{kind}_s_per_page"] / t, 2)
            row[f"verify_share_{kind}"] = round(
                1 - row[f"never_{kind}_s_per_page"] / row[f"auto_{kind}_s_per_page"], 2)
        res["classes"][cname] = row
        print(f"class={cname} files={len(fs)} pages={pages} "
              f"tesseract_s_per_page={row['tess_wall_s_per_page']} "
              f"foiredact_s_per_page={row['auto_wall_s_per_page']} ratio={row['ratio_wall']} "
              f"never_s_per_page={row['never_wall_s_per_page']} ratio_never={row['ratio_never_wall']} "
              f"verify_share={row['verify_share_wall']} | cpu: ratio={row['ratio_cpu']} "
              f"ratio_never={row['ratio_never_cpu']} verify_share={row['verify_share_cpu']}")
    res["files"] = [{k: v for k, v in f.items() if k not in ("imgs", "pdf", "terms")} for f in files]


def text_pages(a, binary, work, res):
    pdfs = sorted(p for prod in ("reportlab", "fpdf2", "libreoffice")
                  for p in glob.glob(os.path.join(a.corpus, f"dev-*-{prod}.pdf")))
    if not pdfs:
        sys.exit(f"eyes_bench: error: no dev-*-{{reportlab,fpdf2,libreoffice}}.pdf in {a.corpus}")
    inp = os.path.join(work, "text")
    os.makedirs(inp)
    for c in range(a.text_copies):
        for p in pdfs:
            shutil.copy(p, os.path.join(inp, f"c{c}-{os.path.basename(p)}"))
    pages = a.text_copies * sum(pages_of(p) for p in pdfs)
    terms = os.path.join(ROOT, "benches/terms.txt")
    bins = {"new": binary, "old": a.old}
    t = {"new": [], "old": []}
    for k in range(a.repeats):
        for name in (("new", "old") if k % 2 == 0 else ("old", "new")):
            t[name].append(redact(bins[name], inp, os.path.join(work, "text-" + name), terms))
    row = {"files": len(pdfs), "copies": a.text_copies, "pages": pages}
    for name in ("new", "old"):
        row[f"{name}_walls_s"] = [round(w, 3) for w, _ in t[name]]
        row[f"{name}_cpus_s"] = [round(c, 3) for _, c in t[name]]
    row["text_pages_new_vs_old_ratio"] = round(med([w for w, _ in t["new"]]) / med([w for w, _ in t["old"]]), 3)
    row["text_pages_new_vs_old_cpu_ratio"] = round(med([c for _, c in t["new"]]) / med([c for _, c in t["old"]]), 3)
    s_new, s_old = summary(os.path.join(work, "text-new")), summary(os.path.join(work, "text-old"))
    status = lambda s: {k: sum(x["status"] == k for x in s) for k in sorted({x["status"] for x in s})}
    row["status_new"], row["status_old"] = status(s_new), status(s_old)
    row["eyes"] = {os.path.basename(x["file"]): x["eyes"] for x in s_new if x.get("eyes")}
    row["checked_by_eye"] = {os.path.basename(x["file"]): x["checked_by_eye"]
                             for x in s_new if x.get("checked_by_eye")}
    row["ocr"] = {os.path.basename(x["file"]): len(x["ocr"]) for x in s_new if x.get("ocr")}
    # The same, on the files no page of which the new binary read by eye (the pages that need none of
    # this), and the cost of the pages it did read by eye, against one tesseract pass on each.
    eyes_files = {x["file"] for x in s_new if x.get("eyes")}
    plain = os.path.join(work, "text-plain")
    os.makedirs(plain)
    for x in sorted(os.listdir(inp)):
        if not any(e.endswith(x) for e in eyes_files):
            shutil.copy(os.path.join(inp, x), plain)
    t2 = {"new": [], "old": []}
    for k in range(a.repeats):
        for name in (("new", "old") if k % 2 == 0 else ("old", "new")):
            t2[name].append(redact(bins[name], plain, os.path.join(work, "plain-" + name), terms))
    row["plain_files"] = len(os.listdir(plain))
    row["plain_pages"] = sum(pages_of(os.path.join(plain, x)) for x in os.listdir(plain))
    for name in ("new", "old"):
        row[f"plain_{name}_walls_s"] = [round(w, 3) for w, _ in t2[name]]
    row["plain_new_vs_old_ratio"] = round(med([w for w, _ in t2["new"]]) / med([w for w, _ in t2["old"]]), 3)
    row["plain_new_vs_old_cpu_ratio"] = round(med([c for _, c in t2["new"]]) / med([c for _, c in t2["old"]]), 3)
    eyes_pages = sum(len(x["eyes"]) for x in s_new if x.get("eyes"))
    if eyes_pages:
        extra = (med([w for w, _ in t["new"]]) - med([w for w, _ in t["old"]])
                 - (med([w for w, _ in t2["new"]]) - med([w for w, _ in t2["old"]])))
        tess = []
        for x in s_new:
            for e in x.get("eyes", []):
                src = os.path.join(inp, os.path.basename(x["file"]))
                prefix = os.path.join(work, "eyes-page")
                subprocess.run(["pdftoppm", "-r", "300", "-gray", "-f", str(e["page"]), "-l", str(e["page"]),
                                "-singlefile", src, prefix], check=True)
                tess.append(med([timed(["tesseract", prefix + ".pgm", "stdout", "tsv"],
                                       env=dict(os.environ, OMP_THREAD_LIMIT="1"))[0] for _ in range(a.repeats)]))
        row["eyes_extra_s_per_eyes_page"] = round(extra / eyes_pages, 3)
        row["tesseract_s_per_eyes_page"] = round(sum(tess) / len(tess), 3)
        row["eyes_page_ratio_vs_tesseract"] = round(row["eyes_extra_s_per_eyes_page"] / row["tesseract_s_per_eyes_page"], 2)
    res["text"] = row
    print(f"text_files={len(pdfs)}x{a.text_copies} text_pages={pages} new_walls_s={row['new_walls_s']} old_walls_s={row['old_walls_s']} "
          f"status_new={row['status_new']} status_old={row['status_old']}")
    print(f"text_pages_new_vs_old_ratio={row['text_pages_new_vs_old_ratio']} "
          f"text_pages_new_vs_old_cpu_ratio={row['text_pages_new_vs_old_cpu_ratio']}")
    for name, e in row["eyes"].items():
        print(f"eyes {name}: " + "; ".join(
            f"page {x['page']} {'+'.join(x['causes'])} regions={x['regions']} words={x['words']} kept={x['kept']}"
            for x in e))
    print(f"plain_files={row['plain_files']} plain_pages={row['plain_pages']} plain_new_walls_s={row['plain_new_walls_s']} "
          f"plain_old_walls_s={row['plain_old_walls_s']}")
    print(f"plain_new_vs_old_ratio={row['plain_new_vs_old_ratio']} plain_new_vs_old_cpu_ratio={row['plain_new_vs_old_cpu_ratio']}")
    if "eyes_extra_s_per_eyes_page" in row:
        print(f"eyes_extra_s_per_eyes_page={row['eyes_extra_s_per_eyes_page']} "
              f"tesseract_s_per_eyes_page={row['tesseract_s_per_eyes_page']} "
              f"eyes_page_ratio_vs_tesseract={row['eyes_page_ratio_vs_tesseract']}")
    print(f"eyes_files={len(row['eyes'])} eyes_pages={sum(len(e) for e in row['eyes'].values())} "
          f"checked_by_eye={row['checked_by_eye']} ocr_pages={row['ocr']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/corpus"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--old", help="the binary before #19 (bb7159b), for the text pages")
    ap.add_argument("--text-copies", type=int, default=4, help="copies of each text file (longer runs, less noise)")
    ap.add_argument("--skip-classes", action="store_true")
    ap.add_argument("--json", default=os.path.join(ROOT, "target/bench/eyes.json"))
    a = ap.parse_args()
    binary = os.path.join(ROOT, "target/release/foiredact")
    for tool in ("tesseract", "pdftoppm", "pdfinfo"):
        if not shutil.which(tool):
            sys.exit(f"eyes_bench: error: {tool} is not installed")
    if not os.path.exists(binary) or (a.old and not os.path.exists(a.old)):
        sys.exit("eyes_bench: error: needs target/release/foiredact (and the --old binary)")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    work = tempfile.mkdtemp(prefix="eyes-bench-")
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    res = {"commit": head, "repeats": a.repeats, "loadavg_start": loadavg(), "classes": {}}
    try:
        if not a.skip_classes:
            classes(a, binary, work, env, res)
        if a.old:
            text_pages(a, binary, work, res)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["loadavg_end"] = loadavg()
    print(f"commit={head} repeats={a.repeats} loadavg_start={res['loadavg_start']:.2f} loadavg_end={res['loadavg_end']:.2f}")
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    json.dump(res, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
