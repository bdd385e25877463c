#!/usr/bin/env python3
"""Runs two foiredact binaries on the same inputs and compares every output byte for byte.

    python3 benches/compare_outputs.py OLD_BIN NEW_BIN [--work DIR] [--only samples,corpus,realworld]

For a refactoring that must not change behaviour: `redact` with the default rules on `samples/`,
`../shared/corpus` and `../shared/realworld/pdfs` (and on the corpus with `--terms benches/terms.txt`),
and `review` on the samples and the corpus,
each into its own folder per binary; then every file of the two trees is compared. The run key (a hash
of the configuration, in the per-file logs and the manifest) is masked before comparing, as it is not an
output of the document; `summary.json` is compared as written. Prints one line per set,
`set=NAME files=N identical=N differ=N only_old=N only_new=N`, and the differing files; exits 1 if any
differ.
"""
import argparse
import os
import re
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("old")
ap.add_argument("new")
ap.add_argument("--work", default="target/compare")
ap.add_argument("--only", default="samples,corpus,corpus-terms,realworld,review-samples,review-corpus")
a = ap.parse_args()

sets = {
    "samples": ("redact", ["samples"], []),
    "corpus": ("redact", ["../shared/corpus"], []),
    "corpus-terms": ("redact", ["../shared/corpus"], ["--terms", "benches/terms.txt"]),
    "realworld": ("redact", ["../shared/realworld/pdfs"], []),
    "review-samples": ("review", ["samples"], []),
    "review-corpus": ("review", ["../shared/corpus"], []),
}
RUN_KEY = re.compile(rb'"run_key": ?"[0-9a-f]+"')


def tree(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                b = fh.read()
            out[os.path.relpath(p, d)] = RUN_KEY.sub(b'"run_key":"*"', b)
    return out


bad = 0
for name in a.only.split(","):
    cmd, inputs, extra = sets[name]
    if not all(os.path.exists(i) for i in inputs):
        print(f"set={name} SKIPPED: {inputs} not found")
        continue
    trees = []
    for tag, binary in (("old", a.old), ("new", a.new)):
        out = os.path.join(a.work, name, tag)
        subprocess.run(["rm", "-rf", out], check=True)
        subprocess.run(
            [binary, cmd, *inputs, "--out", out, *(["--quiet", "--jobs", "2"] if cmd == "redact" else []), *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        trees.append(tree(out))
    old, new = trees
    same = [f for f in old if f in new and old[f] == new[f]]
    differ = sorted(f for f in old if f in new and old[f] != new[f])
    only_old = sorted(set(old) - set(new))
    only_new = sorted(set(new) - set(old))
    print(
        f"set={name} files={len(set(old) | set(new))} identical={len(same)} "
        f"differ={len(differ)} only_old={len(only_old)} only_new={len(only_new)}"
    )
    for f in differ:
        print(f"  differ: {f}")
    for f in only_old:
        print(f"  only old: {f}")
    for f in only_new:
        print(f"  only new: {f}")
    bad += len(differ) + len(only_old) + len(only_new)
sys.exit(1 if bad else 0)
