#!/usr/bin/env python3
"""Makes the document pairs of tests/pairs.rs: for each producer (reportlab, fpdf2, LibreOffice), two
PDFs identical except for one planted name of a private individual, which appears in a justified
paragraph and in a `Name:` field line. Pairs: names of different lengths, and of the same length with
different letters. The names are invented. Needs: pip install reportlab fpdf2; Debian
libreoffice-writer-nogui and fonts-dejavu-core.

Usage: python3 tests/pairs/make_pairs.py   (writes tests/pairs/<producer>-<pair>-<a|b>.pdf)
"""
import os, shutil, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAIRS = {
    "lengths": ("Al Bo", "Eve Li"),
    "letters": ("Mia Ross", "Zoe Kent"),
}
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


def fpdf2_pdf(name, out):
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1))
    pdf.add_page()
    pdf.add_font("DejaVu", "", FONT)
    pdf.set_font("DejaVu", size=11)
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


def main():
    for producer, make in [("reportlab", reportlab_pdf), ("fpdf2", fpdf2_pdf),
                           ("libreoffice", libreoffice_pdf)]:
        for pair, (a, b) in PAIRS.items():
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
