#!/usr/bin/env python3
"""One request in four files, judged from outside (../shared/tools/check.py): a name the rules find in
one file only, its surname alone in others, and a surname that is also a street's name.

    python3 benches/request_eval.py [--bin target/release/foiredact] [--work target/eval/request]

Writes four reportlab PDFs with their `.truth.json` (what must go, what must stay) to WORK/in, redacts
the folder twice (`--no-consistent`, then the default `--consistent`) and prints check.py's summary
line of each (pdftotext, PyMuPDF, pdfminer, the raw objects and OCR of every page).
"""
import argparse, json, pathlib, shutil, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = {
    "req-a": (["Decision notice", "The complainant, Mrs Gwendolyn Hartigan-Obi, objected to the fence.",
               "Mr Arthur Baker, a neighbour, supported the application."],
              ["Gwendolyn Hartigan-Obi", "Arthur Baker"], ["Decision notice", "objected to the fence"]),
    "req-b": (["Appeal outcome", "Hartigan-Obi was told on Monday that the appeal had failed.",
               "Baker said the fence was too high. The shop on Baker Street is closed."],
              ["Hartigan-Obi", "Baker said"],
              ["Appeal outcome", "was told on Monday that the appeal had failed", "Baker Street is closed"]),
    "req-c": (["File note", "A copy of the plan went to Hartigan-Obi and to the parish council.",
               "The council wrote to Oluwaseun Adeyemi-Thornbury on 3 May."],
              ["Hartigan-Obi", "Oluwaseun Adeyemi-Thornbury"], ["File note", "and to the parish council"]),
    "req-d": (["Site visit", "Adeyemi-Thornbury attended the site visit with the planning officer."],
              ["Adeyemi-Thornbury"], ["Site visit", "attended the site visit with the planning officer"]),
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/foiredact"))
    ap.add_argument("--work", default=str(ROOT / "target/eval/request"))
    a = ap.parse_args()
    from reportlab.pdfgen import canvas
    work = pathlib.Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    inp = work / "in"
    inp.mkdir(parents=True)
    for stem, (lines, redact, keep) in DOCS.items():
        c = canvas.Canvas(str(inp / f"{stem}.pdf"))
        for k, line in enumerate(lines):
            c.setFont("Helvetica", 11)
            c.drawString(72, 760 - 16 * k, line)
        c.save()
        truth = {"producer": "reportlab", "variants": ["consistent"], "pages": 1,
                 "part1": {"pages": [1], "redact": [{"text": r, "category": "name", "page": 1} for r in redact],
                           "keep": [{"text": k, "page": 1} for k in keep]},
                 "part2": {"pages": [], "redact": [], "keep": []}}
        (inp / f"{stem}.truth.json").write_text(json.dumps(truth, indent=1))
    for mode in ["--no-consistent", "--consistent"]:
        out = work / mode.strip("-")
        subprocess.run([a.bin, "redact", str(inp), "--out", str(out), "--quiet", mode], check=False)
        r = subprocess.run([sys.executable, str(ROOT.parent / "shared/tools/check.py"), str(out), "--corpus", str(inp),
                            "--quiet", "--ocr", "all"], capture_output=True, text=True)
        last = [l for l in r.stdout.splitlines() if l.startswith("docs=")]
        print(f"{mode}: {last[-1] if last else r.stdout[-500:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
