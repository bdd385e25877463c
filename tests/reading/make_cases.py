#!/usr/bin/env python3
"""Makes the PDFs of tests/reading.rs: text a reader shows one way and a naive extractor reads
another. Each class is made by several producers (reportlab, fpdf2, LibreOffice); the names are
invented. Needs: pip install reportlab fpdf2; Debian libreoffice-writer-nogui, fonts-dejavu-core and
fonts-droid-fallback (fullwidth Latin letters).

Usage: python3 tests/reading/make_cases.py   (writes tests/reading/<class>-<producer>.pdf)

Classes:
- nfd: decomposed accents ("e" + U+0301), as text pasted from a Mac keeps them.
- lookalike: a surname with Cyrillic look-alike letters, and one in fullwidth Latin letters.
- hyphen: names hyphenated at a line end (ASCII hyphen, U+2010, soft hyphen), and a double-barrelled
  name broken at its own hyphen.
- spaced: a PART II heading set with letter spacing, and one with the Roman-numeral sign U+2161.
"""
import os, re, shutil, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

CASES = {
    "nfd": [
        "Decision record",
        "Dr Rene\u0301e Mu\u0308ller attended the hearing on behalf of the depot.",
        "The panel spoke to Jose\u0301 Marti\u0301nez about the depot.",
        "The budget was approved by the panel.",
    ],
    "lookalike": [
        "Decision record",
        "The complaint from Mrs Mia \u041d\u0435witt was upheld.",
        "A letter from Oskar \uff34\uff48\uff4f\uff52\uff4e\uff42\uff55\uff52\uff59 was received.",
        "The budget was approved by the panel.",
    ],
    "hyphen": [
        "Decision record",
        "The complaint came from a neighbour, Mr Jonah Wolsten-",
        "holme, who asked for the hedge to be cut back.",
        "A second letter came from Mrs Ada Penhal\u2010",
        "ligon of the same road.",
        "A third letter came from Mr Tobias Quarren\u00ad",
        "dine, also of that road.",
        "The reply went to Ms Cara Ashby-",
        "Fenwick at the depot.",
        "The budget was approved by the panel.",
    ],
    "spaced": [
        "PART I",
        "The budget was approved by the panel.",
        "@spaced PART II",
        "Legal advice on the contract is withheld.",
    ],
    "numeral": [
        "PART I",
        "The budget was approved by the panel.",
        "PART \u2161",
        "Legal advice on the contract is withheld.",
    ],
}


def font_for(line):
    return DROID if any(0xFF00 <= ord(c) <= 0xFFEF for c in line) else DEJAVU


def reportlab_pdf(lines, out):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    import reportlab.rl_config
    reportlab.rl_config.invariant = 1
    pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))
    pdfmetrics.registerFont(TTFont("Droid", DROID))
    c = canvas.Canvas(out, pagesize=(595, 842), invariant=1)
    y = 780
    for line in lines:
        t = c.beginText(72, y)
        if line.startswith("@spaced "):
            line = line[len("@spaced "):]
            t.setCharSpace(3)
        # Runs of fullwidth letters in the fallback font, the rest in DejaVu.
        for run in re.findall(r"[\uff00-\uffef]+|[^\uff00-\uffef]+", line):
            t.setFont("Droid" if font_for(run) == DROID else "DejaVu", 11)
            t.textOut(run)
        c.drawText(t)
        y -= 16
    c.showPage()
    c.save()


def fpdf2_pdf(lines, out):
    from fpdf import FPDF
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 1, tzinfo=__import__("datetime").timezone.utc))
    pdf.add_font("DejaVu", "", DEJAVU)
    pdf.add_font("Droid", "", DROID)
    pdf.add_page()
    y = 60
    for line in lines:
        spacing = 0
        if line.startswith("@spaced "):
            line = line[len("@spaced "):]
            spacing = 3
        pdf.set_char_spacing(spacing)
        x = 72
        for run in re.findall(r"[\uff00-\uffef]+|[^\uff00-\uffef]+", line):
            pdf.set_font("Droid" if font_for(run) == DROID else "DejaVu", size=11)
            pdf.text(x, y, run)
            x += pdf.get_string_width(run)
        y += 16
    pdf.output(out)


def libreoffice_pdf(lines, out):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("skip LibreOffice: not installed")
        return False
    with tempfile.TemporaryDirectory() as d:
        body = []
        for line in lines:
            if line.startswith("@spaced "):
                line = line[len("@spaced "):]
                body.append(f'<text:p text:style-name="S">{line}</text:p>')
            else:
                body.append(f'<text:p text:style-name="P">{line}</text:p>')
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
<style:style style:name="S" style:family="paragraph"><style:text-properties style:font-name="DejaVu Sans" fo:font-size="11pt" fo:letter-spacing="0.1cm"/></style:style>
</office:automatic-styles>
<office:body><office:text>{''.join(body)}</office:text></office:body></office:document>"""
        src = os.path.join(d, "in.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(fodt)
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", d, src],
                       check=True, capture_output=True, timeout=180)
        shutil.copy(os.path.join(d, "in.pdf"), out)
    return True


def main():
    for name, lines in CASES.items():
        for prod, fn in (("reportlab", reportlab_pdf), ("fpdf2", fpdf2_pdf), ("libreoffice", libreoffice_pdf)):
            if prod == "libreoffice" and name == "lookalike":
                continue  # (LibreOffice substitutes its own font for the fullwidth letters.)
            out = os.path.join(HERE, f"{name}-{prod}.pdf")
            if fn(lines, out) is not False:
                print("wrote", os.path.relpath(out))


if __name__ == "__main__":
    main()
