#!/usr/bin/env python3
"""Makes the test files of tests/fonts.rs for Type 1 and CFF font programs (issue 21): each PDF holds
three lines, one of them with a name ("Quazex Zyx") whose letters Q, z and Z, y and x... no kept text
uses: `Q`, `Z`, `x` and `z` occur only in the name. After the name is redacted, no embedded font may
keep a glyph for them.

    python3 tests/fonts/make_programs.py OUTDIR

Writes OUTDIR/<name>.pdf and OUTDIR/manifest.json: {"files": [{"file", "producer", "program",
"redact", "only_redacted", "kept"}]}. `program` is how the font program is embedded:
  - Type1           FontFile (clear text + eexec)       Ghostscript (-dCompatibilityLevel=1.1, a subset),
                                                        groff -Tpdf -P-e (the whole URW font),
                                                        reportlab (the whole font, from a .pfb)
  - Type1C          FontFile3 /Type1C (bare CFF)        Ghostscript (its default for Type 1 fonts)
  - CIDFontType0C   FontFile3 /CIDFontType0C            Ghostscript re-distilling fpdf2's OpenType file
  - OpenType        an OpenType file with CFF outlines  fpdf2 (in FontFile2 of a CIDFontType2, as it
                                                        writes them), and the same moved to
                                                        FontFile3 /OpenType
Exit status 2 names a missing tool (Ghostscript, groff, reportlab, fpdf2, pikepdf, fontTools, or the
fonts-urw-base35 fonts).
"""
import json
import os
import shutil
import subprocess
import sys

URW_T1 = "/usr/share/fonts/type1/urw-base35"
URW_OTF = "/usr/share/fonts/opentype/urw-base35"
LINES = [
    "Report about the case",
    "Appeal by Quazex Zyx about the fee",
    "The request was refused under section 40.",
]
NAME = "Quazex Zyx"
KEPT = [LINES[0]] + [p.strip() for p in LINES[1].split(NAME)] + [LINES[2]]
# The letters only the name has: Q, Z, x and z.
ONLY_REDACTED = sorted(set(NAME.replace(" ", "")) - set("".join(KEPT)))


def need(cond, what):
    if not cond:
        print(f"missing: {what}", file=sys.stderr)
        sys.exit(2)


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def ps_file(out, font):
    lines = "\n".join(
        f"72 {700 - 20 * i} moveto ({t}) show" for i, t in enumerate(LINES)
    )
    with open(out, "w") as f:
        f.write(f"%!PS\n/{font} findfont 14 scalefont setfont\n{lines}\nshowpage\n")


def gs(args, out, src):
    run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite"] + args
        + [f"-sOutputFile={out}", src])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    need(shutil.which("gs"), "gs (Ghostscript)")
    need(shutil.which("groff"), "groff")
    need(os.path.exists(f"{URW_T1}/NimbusSans-Regular.t1"), "fonts-urw-base35")
    need(os.path.exists(f"{URW_OTF}/NimbusSans-Regular.otf"), "fonts-urw-base35 (OpenType)")
    try:
        import fpdf  # noqa: F401
        import pikepdf  # noqa: F401
        import reportlab  # noqa: F401
        from fontTools import t1Lib  # noqa: F401
    except ImportError as e:
        need(False, f"python module {e.name}")
    files = []

    def add(name, producer, program):
        files.append({"file": name, "producer": producer, "program": program, "redact": NAME,
                      "only_redacted": ONLY_REDACTED, "kept": KEPT})

    ps = os.path.join(out, "lines.ps")
    ps_file(ps, "NimbusSans-Regular")
    gs([], os.path.join(out, "gs-type1c.pdf"), ps)
    add("gs-type1c.pdf", "Ghostscript", "Type1C")
    gs(["-dCompatibilityLevel=1.1"], os.path.join(out, "gs-type1.pdf"), ps)
    add("gs-type1.pdf", "Ghostscript", "Type1")
    os.remove(ps)

    # groff embeds the whole font (-P-e).
    roff = ".ft HR\n" + "\n.br\n".join(LINES) + "\n"
    with open(os.path.join(out, "groff-type1.pdf"), "wb") as f:
        run(["groff", "-Tpdf", "-P-e"], input=roff.encode(), stdout=f)
    add("groff-type1.pdf", "groff", "Type1")

    # reportlab embeds a .pfb whole (the URW .t1 is converted to one).
    from fontTools import t1Lib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas
    pfb = os.path.join(out, "NimbusRoman-Regular.pfb")
    t1Lib.writePFB(pfb, t1Lib.read(f"{URW_T1}/NimbusRoman-Regular.t1")[0])
    face = pdfmetrics.EmbeddedType1Face(f"{URW_T1}/NimbusRoman-Regular.afm", pfb)
    pdfmetrics.registerTypeFace(face)
    pdfmetrics.registerFont(pdfmetrics.Font("NR", "NimbusRoman-Regular", "WinAnsiEncoding"))
    c = canvas.Canvas(os.path.join(out, "reportlab-type1.pdf"), invariant=1)
    c.setFont("NR", 14)
    for i, t in enumerate(LINES):
        c.drawString(72, 700 - 20 * i, t)
    c.save()
    os.remove(pfb)
    add("reportlab-type1.pdf", "reportlab", "Type1")

    # fpdf2 embeds an OpenType file with CFF outlines (a subset) in FontFile2.
    from fpdf import FPDF
    p = FPDF()
    import datetime
    p.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
    p.add_page()
    p.add_font("U", "", f"{URW_OTF}/NimbusSans-Regular.otf")
    p.set_font("U", size=14)
    for t in LINES:
        p.cell(text=t, new_x="LMARGIN", new_y="NEXT")
    fp = os.path.join(out, "fpdf2-opentype.pdf")
    p.output(fp)
    add("fpdf2-opentype.pdf", "fpdf2", "OpenType")

    # The same program where PDF 1.6 puts an OpenType file: FontFile3 /OpenType (the CIDToGIDMap
    # still maps fpdf2's codes to glyphs).
    import pikepdf
    with pikepdf.open(fp) as pdf:
        for o in pdf.objects:
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font" \
                    and o.get("/Subtype") == "/CIDFontType2":
                fd = o.FontDescriptor
                ff = fd.FontFile2
                del fd["/FontFile2"]
                ff.Subtype = pikepdf.Name("/OpenType")
                if "/Length1" in ff:
                    del ff["/Length1"]
                fd.FontFile3 = ff
        pdf.save(os.path.join(out, "fontfile3-opentype.pdf"), deterministic_id=True)
    add("fontfile3-opentype.pdf", "fpdf2 + pikepdf", "OpenType")

    # Ghostscript re-distilling fpdf2's file writes a CID-keyed bare CFF.
    gs([], os.path.join(out, "gs-cidfonttype0c.pdf"), fp)
    add("gs-cidfonttype0c.pdf", "Ghostscript", "CIDFontType0C")

    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"files": files}, f, indent=1)


if __name__ == "__main__":
    main()
