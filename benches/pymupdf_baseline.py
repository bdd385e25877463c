#!/usr/bin/env python3
"""PyMuPDF search-and-redact baseline for benches/bench.sh.

For every input file: open it, and on every page call page.search_for(term) for each term of the
terms file, add a redaction annotation per hit (page.add_redact_annot), apply them
(page.apply_redactions(), only on pages that got a hit), then save the document to the output folder.
Prints one JSON line: files, pages, hits, seconds (wall time of the loop, after `import pymupdf`),
pages_per_s.

Usage: pymupdf_baseline.py --terms FILE --out DIR FILE...
"""
import argparse
import json
import os
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--terms", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    import pymupdf  # imported before the clock starts: the baseline is not charged for it

    with open(a.terms, encoding="utf-8") as f:
        terms = [t.strip() for t in f if t.strip()]
    os.makedirs(a.out, exist_ok=True)
    pages = hits = 0
    start = time.perf_counter()
    for i, path in enumerate(a.files):
        doc = pymupdf.open(path)
        for page in doc:
            pages += 1
            n = 0
            for term in terms:
                for rect in page.search_for(term):
                    page.add_redact_annot(rect)
                    n += 1
            if n:
                page.apply_redactions()
                hits += n
        doc.save(os.path.join(a.out, f"{i:06d}-{os.path.basename(path)}"))
        doc.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"files": len(a.files), "pages": pages, "hits": hits, "terms": len(terms),
                      "seconds": round(seconds, 6), "pages_per_s": round(pages / max(seconds, 1e-9), 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
