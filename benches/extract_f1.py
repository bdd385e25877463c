import subprocess, re, collections, sys, glob, os, unicodedata
def norm(t):
    t = unicodedata.normalize('NFKC', t)
    t = re.sub(r'-\s*\n\s*', '', t)  # hyphenation
    return collections.Counter(w.casefold() for w in re.findall(r"[^\W_]+", t))
files = sorted(glob.glob('../shared/corpus/*.pdf') + glob.glob('../shared/realworld/pdfs/*.pdf'))
for f in files:
    p = subprocess.run(['pdftotext', f, '-'], capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip():
        continue
    o = subprocess.run(['target/release/foiredact', 'text', f], capture_output=True, text=True)
    a, b = norm(p.stdout), norm(o.stdout)
    inter = sum((a & b).values())
    prec = inter / max(1, sum(b.values())); rec = inter / max(1, sum(a.values()))
    f1 = 2 * prec * rec / max(1e-9, prec + rec)
    flag = '' if f1 >= 0.99 else '  <-- ' + (o.stderr.strip().splitlines()[0][:120] if o.stderr.strip() else str(list((a - b).items())[:8]))
    print(f"{os.path.basename(f):45s} f1={f1:.3f} p={prec:.3f} r={rec:.3f}{flag}")
