#!/usr/bin/env python3
"""Makes the document pairs of tests/pairs.rs: for each producer, two PDFs identical except for one
planted name of a private individual. The names are invented.

- `lengths`, `letters` (reportlab, fpdf2, LibreOffice, Ghostscript): the name in a justified paragraph
  (Ghostscript: a left-aligned one, broken by characters) and in a `Name:` field line; names of
  different lengths, and of the same length with different letters (Ghostscript: also a bold name).
- `aligned` (reportlab, fpdf2, Chromium headless print-to-pdf, LibreOffice, groff): the name in a
  centred line, a right-aligned line, a centred line with the name in bold, and a bordered table's
  centred and right-aligned cells, around a name-free justified paragraph; two names of the same width
  bucket in Helvetica and DejaVu Sans, regular and bold, at 11 pt ("Eve Hill", "Eve Marsh": 15 pt
  apart, so that a line placed by its original total width moves).
- `buckets`: the `aligned` document with names of different buckets ("Eve Hill", "Evangeline Marsh"):
  the outputs may differ only by the box width.

Needs: pip install reportlab fpdf2; Debian chromium, libreoffice-writer-nogui, groff (with gropdf), ghostscript,
fonts-urw-base35 and fonts-dejavu-core. A producer that is not installed is skipped with a loud `SKIP:` line and its
committed files are left as they are.

Usage: python3 tests/pairs/make_pairs.py [PAIR[:PRODUCER] ...]   (writes
tests/pairs/<producer>-<pair>-<a|b>.pdf; all pairs of all producers without arguments)
"""
import os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAIRS = {
    "lengths": ("Al Bo", "Eve Li"),
    "letters": ("Mia Ross", "Zoe Kent"),
    "aligned": ("Eve Hill", "Eve Marsh"),
    "buckets": ("Eve Hill", "Evangeline Marsh"),
}
# The aligned document: a centred title, a name-free justified paragraph (the text block's edges), a
# centred line, a right-aligned line, a centred line with the name in bold, and a table.
CENTRED = "Appeal by {n} against penalty notice PN-55102"
RIGHT = "Reference for {n}: case 7731"
BOLD = "Heard before {n} on appeal"
BLOCK = ("The tribunal considered the written submissions of both parties and the bundle of documents "
         "that the council provided, and it reached the decision set out below on the balance of "
         "probabilities after a hearing that lasted for most of the day in the main hall of the centre.")
TABLE = [("Party", "Name", "Signed"), ("Appellant", "{n}", "Seen by {n}")]
PARA = ("The panel heard from the witness {n} who described the events at the depot in some detail, "
        "and the panel accepted that account in full after a careful look at all of the evidence that "
        "was put before it by the parties during the two days of the hearing in the town hall.")
LINES = ["Decision record", None, "Name: {n}", "The budget was approved by the panel."]


def reportlab_pdf(name, out):
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.rl_config import invariant
    import reportlab.rl_config
    reportlab.rl_config.invariant = 1
    base = ParagraphStyle("b", fontName="Helvetica", fontSize=11, leading=14)
    just = ParagraphStyle("j", parent=base, alignment=TA_JUSTIFY)
    story = [Paragraph(LINES[0], base), Paragraph(PARA.format(n=name), just),
             Paragraph(LINES[2].format(n=name), base), Paragraph(LINES[3], base)]
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)


def ghostscript_pdf(name, out):
    """PostScript set in Nimbus Sans (URW, fonts-urw-base35) and turned into PDF by Ghostscript's
    pdfwrite: CFF (Type1C) subsets whose glyph order and FontBBox come from the glyphs drawn, and a
    bold font that draws only the name."""
    import textwrap
    esc = lambda t: t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    # (Lines broken by characters, not widths: names of one length break alike.)
    para = textwrap.wrap(PARA.format(n=name), 84)
    lines = [LINES[0], *para, LINES[2].format(n=name), LINES[3]]
    ps = ["%!PS", "<< /PageSize [595 842] >> setpagedevice"]
    y = 780
    for t in lines:
        ps.append(f"/NimbusSans-Regular findfont 11 scalefont setfont 72 {y} moveto ({esc(t)}) show")
        y -= 14
    ps.append(f"/NimbusSans-Regular findfont 11 scalefont setfont 72 {y} moveto (Heard before ) show")
    ps.append(f"/NimbusSans-Bold findfont 11 scalefont setfont ({esc(name)}) show")
    ps.append("/NimbusSans-Regular findfont 11 scalefont setfont ( on appeal) show")
    ps.append("showpage")
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
                    "-dCompressFonts=true", f"-sOutputFile={out}", "-"],
                   input="\n".join(ps).encode(), check=True, capture_output=True)


def fpdf2_start():
    """An fpdf2 document with a fixed date, one A4 page, DejaVu Sans (and bold) at 11 pt."""
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1))
    pdf.add_page()
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", FONT.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", size=11)
    return pdf


def fpdf2_pdf(name, out):
    pdf = fpdf2_start()
    for text, align in [(LINES[0], "L"), (PARA.format(n=name), "J"), (LINES[2].format(n=name), "L"),
                        (LINES[3], "L")]:
        pdf.multi_cell(0, 6, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.output(out)


def libreoffice_pdf(name, out):
    body = "".join(
        f'<text:p text:style-name="{s}">{t}</text:p>'
        for s, t in [("P", LINES[0]), ("J", PARA.format(n=name)), ("P", LINES[2].format(n=name)),
                     ("P", LINES[3])])
    fodt = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/></office:font-face-decls>
<office:automatic-styles>
<style:style style:name="P" style:family="paragraph"><style:text-properties style:font-name="DejaVu Sans" fo:font-size="11pt"/></style:style>
<style:style style:name="J" style:family="paragraph"><style:paragraph-properties fo:text-align="justify"/><style:text-properties style:font-name="DejaVu Sans" fo:font-size="11pt"/></style:style>
</office:automatic-styles>
<office:body><office:text>{body}</office:text></office:body></office:document>"""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "doc.fodt")
        open(src, "w").write(fodt)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", d, src],
                       check=True, capture_output=True, env=dict(os.environ, HOME=d))
        shutil.copy(os.path.join(d, "doc.pdf"), out)


def reportlab_aligned(name, out):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    import reportlab.rl_config
    reportlab.rl_config.invariant = 1
    base = ParagraphStyle("b", fontName="Helvetica", fontSize=11, leading=14)
    centre = ParagraphStyle("c", parent=base, alignment=TA_CENTER)
    right = ParagraphStyle("r", parent=base, alignment=TA_RIGHT)
    just = ParagraphStyle("j", parent=base, alignment=TA_JUSTIFY)
    rows = [[c.format(n=name) for c in row] for row in TABLE]
    table = Table(rows, colWidths=[120, 150, 150])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 11),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("ALIGN", (1, 0), (1, -1), "CENTER"),
        ("ALIGN", (2, 0), (2, -1), "RIGHT"),
    ]))
    story = [Paragraph("Decision record", centre), Paragraph(CENTRED.format(n=name), centre),
             Paragraph(BLOCK, just), Paragraph(RIGHT.format(n=name), right),
             Paragraph(BOLD.format(n=f"<b>{name}</b>"), centre), Spacer(1, 12), table]
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)


def fpdf2_aligned(name, out):
    pdf = fpdf2_start()
    for text, align in [("Decision record", "C"), (CENTRED.format(n=name), "C"), (BLOCK, "J"),
                        (RIGHT.format(n=name), "R")]:
        pdf.multi_cell(0, 6, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, BOLD.format(n=f"**{name}**"), align="C", markdown=True, new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(4)
    for row in TABLE:
        for (text, w, align) in zip(row, (40, 55, 55), ("L", "C", "R")):
            pdf.cell(w, 7, text.format(n=name), border=1, align=align)
        pdf.ln(7)
    pdf.output(out)


def aligned_html(name, widths=""):
    """`widths`: attributes for each cell (LibreOffice's HTML import ignores `table-layout: fixed`
    and sizes columns by their text unless each cell says its width)."""
    cells = lambda row, tag: "".join(
        f'<{tag}{widths} style="text-align:{a}">{c.format(n=name)}</{tag}>'
        for c, a in zip(row, ("left", "center", "right")))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 2cm; }}
body {{ font-family: 'DejaVu Sans'; font-size: 11pt; line-height: 14pt; }}
p {{ margin: 0 0 6pt 0; }}
/* Fixed columns: an automatic table layout sizes its columns by their text, and so draws its rules
   where the name's width puts them (a channel no re-setting of text can close). */
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
td, th {{ border: 0.5pt solid black; padding: 2pt 4pt; font-weight: normal; }}
</style></head><body>
<p style="text-align:center">Decision record</p>
<p style="text-align:center">{CENTRED.format(n=name)}</p>
<p style="text-align:justify">{BLOCK}</p>
<p style="text-align:right">{RIGHT.format(n=name)}</p>
<p style="text-align:center">{BOLD.format(n=f"<b>{name}</b>")}</p>
<table><tr>{cells(TABLE[0], "th")}</tr><tr>{cells(TABLE[1], "td")}</tr></table>
</body></html>"""


def chromium_aligned(name, out):
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "doc.html")
        open(src, "w").write(aligned_html(name))
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={d}/profile", f"--print-to-pdf={out}", src],
                       check=True, capture_output=True, env=dict(os.environ, HOME=d))


def libreoffice_aligned(name, out):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "doc.html")
        open(src, "w").write(aligned_html(name, ' width="200"'))
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf:writer_pdf_Export", "--outdir", d,
                        src], check=True, capture_output=True, env=dict(os.environ, HOME=d))
        shutil.copy(os.path.join(d, "doc.pdf"), out)


def groff_aligned(name, out):
    src = "\n".join([
        ".ps 11", ".vs 14p", ".ce", "Decision record", ".ce", CENTRED.format(n=name), ".ad b",
        BLOCK, ".br", ".ad r", RIGHT.format(n=name), ".br", ".ad l", ".ce",
        BOLD.format(n=f"\\fB{name}\\fR"), ".sp", ".TS", "box tab(|);", "lw(1.2i) | cw(2i) | rw(2i) .",
        "|".join(TABLE[0]), "_", "|".join(TABLE[1]).format(n=name), ".TE", ""])
    # (Fixed column widths, `w(...)`: tbl otherwise sizes its columns by their text, and so draws its
    # rules where the name's width puts them.)
    pdf = subprocess.run(["groff", "-t", "-Tpdf"], input=src.encode(), check=True,
                         capture_output=True).stdout
    open(out, "wb").write(pdf)


def available(producer):
    """Whether a producer can run here (else a loud skip)."""
    probe = {
        "reportlab": lambda: __import__("reportlab"),
        "fpdf2": lambda: __import__("fpdf"),
        "chromium": lambda: shutil.which("chromium") or shutil.which("chromium-browser")
        or shutil.which("google-chrome"),
        "libreoffice": lambda: shutil.which("soffice"),
        "ghostscript": lambda: shutil.which("gs"),
        "groff": lambda: shutil.which("groff") and subprocess.run(
            ["groff", "-Tpdf"], input=b"x", capture_output=True).returncode == 0,
    }[producer]
    try:
        ok = probe()
    except ImportError:
        ok = False
    if not ok:
        print(f"SKIP: make_pairs: {producer} is not installed (or cannot write PDF): its pairs are not remade",
              file=sys.stderr)
    return bool(ok)


MAKERS = {
    "lengths": [("reportlab", reportlab_pdf), ("fpdf2", fpdf2_pdf), ("libreoffice", libreoffice_pdf),
                ("ghostscript", ghostscript_pdf)],
    "aligned": [("reportlab", reportlab_aligned), ("fpdf2", fpdf2_aligned),
                ("chromium", chromium_aligned), ("libreoffice", libreoffice_aligned),
                ("groff", groff_aligned)],
}
MAKERS["letters"] = MAKERS["lengths"]
MAKERS["buckets"] = MAKERS["aligned"]


def main():
    wanted = sys.argv[1:] or list(PAIRS)
    for arg in wanted:
        pair, _, only = arg.partition(":")
        a, b = PAIRS[pair]
        for producer, make in MAKERS[pair]:
            if only and producer != only:
                continue
            if not available(producer):
                continue
            for tag, name in [("a", a), ("b", b)]:
                out = os.path.join(HERE, f"{producer}-{pair}-{tag}.pdf")
                make(name, out)
                print(out)
    # The names, for the test's --terms.
    with open(os.path.join(HERE, "names.txt"), "w") as f:
        for a, b in PAIRS.values():
            f.write(f"{a}\n{b}\n")


if __name__ == "__main__":
    main()
