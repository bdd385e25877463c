#!/usr/bin/env python3
"""Generate the small hand-made sample PDFs in samples/ and samples/expected.json.

All people, addresses, phone numbers and e-mail addresses are invented:
phone numbers are in the Ofcom drama ranges (01632 960xxx, 07700 900xxx,
020 7946 0xxx, 0113/0161 496 0xxx), e-mails use example.org / example.com.

Output is deterministic: reportlab runs with invariant=1 and fpdf2 gets a
fixed creation date, so re-running produces byte-identical files.

    python3 samples/make_samples.py           # (re)generate
    python3 samples/make_samples.py --check   # regenerate, then verify against pdftotext
                                              # (the scan: against tesseract)
"""
import datetime
import json
import os
import re
import subprocess
import sys

from reportlab import rl_config

rl_config.invariant = 1  # fixed dates and document ID in reportlab output

from reportlab.lib.enums import TA_JUSTIFY  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.utils import simpleSplit  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import Paragraph  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

PAGE_W, PAGE_H = A4
MARGIN = 56


# --------------------------------------------------------------------------
# reportlab helpers (canvas drawing with explicit wrapping)
# --------------------------------------------------------------------------
class Writer:
    def __init__(self, path, title, font="Helvetica", bold="Helvetica-Bold"):
        self.c = canvas.Canvas(path, pagesize=A4, invariant=1, pageCompression=1)
        self.c.setTitle(title)
        self.c.setAuthor("Office of the Police and Crime Commissioner for Westshire")
        self.c.setSubject("Sample document for foiredact")
        self.c.setCreator("foiredact samples/make_samples.py")
        self.font, self.bold = font, bold
        self.page = 1
        self.y = PAGE_H - MARGIN

    def line(self, text, size=10, bold=False, centre=False, gap=None):
        font = self.bold if bold else self.font
        self.c.setFont(font, size)
        if centre:
            self.c.drawCentredString(PAGE_W / 2, self.y, text)
        else:
            self.c.drawString(MARGIN, self.y, text)
        self.y -= gap if gap is not None else size * 1.35

    def para(self, text, size=10):
        for ln in simpleSplit(text, self.font, size, PAGE_W - 2 * MARGIN):
            self.line(ln, size)
        self.y -= size * 0.5

    def space(self, h=8):
        self.y -= h

    def rule(self):
        self.c.setLineWidth(0.5)
        self.c.line(MARGIN, self.y + 8, PAGE_W - MARGIN, self.y + 8)
        self.y -= 6

    def footer(self):
        self.c.setFont(self.font, 8)
        self.c.drawString(MARGIN, 30, "OFFICIAL")
        self.c.drawRightString(PAGE_W - MARGIN, 30, "Page %d" % self.page)

    def new_page(self):
        self.footer()
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN

    def save(self):
        self.footer()
        self.c.showPage()
        self.c.save()


def header(w, number, title):
    w.line("Police and Crime Commissioner for Westshire", 14, bold=True, centre=True)
    w.line("DECISION RECORD", 12, bold=True, centre=True)
    w.space(6)
    w.line("Decision number: %s" % number)
    w.line("Title: %s" % title)
    w.space(6)


# --------------------------------------------------------------------------
# 1. decision-part1-part2.pdf  (reportlab, Helvetica, 3 pages)
# --------------------------------------------------------------------------
def make_part1_part2(path):
    w = Writer(path, "Decision record 2025/014")
    header(w, "2025/014", "Custody Healthcare Contract Extension")
    w.line("PART I", 12, bold=True)
    w.line("Executive Summary", 11, bold=True)
    w.para(
        "The contract for the provision of healthcare services in police custody suites "
        "expires on 31 March 2025. A twelve month extension has been negotiated with the "
        "current provider while a regional procurement exercise is completed. The cost of "
        "the extension is £412,000, which is within the approved custody budget."
    )
    w.line("Decision", 11, bold=True)
    w.para(
        "The Commissioner is asked to approve the extension of the custody healthcare "
        "contract to 31 March 2026."
    )
    w.line("Police and Crime Commissioner for Westshire")
    w.line("I hereby approve the recommendation above.")
    w.line("Signature: J. Okafor")
    w.line("Date: 17 March 2025")
    w.space(6)
    w.line("Background", 11, bold=True)
    w.para(
        "Healthcare professionals are present in each designated custody suite at all times. "
        "Continuity of the service avoids a gap in detainee care during the regional "
        "procurement exercise."
    )
    w.line("Contact: Marguerite Pemberton-Oyelaran, tel 01632 960418, "
           "e-mail m.pemberton-oyelaran@example.org")
    w.space(6)
    w.line("Public access to information", 11, bold=True)
    w.para(
        "Information in this form is subject to the Freedom of Information Act 2000. "
        "Part 1 of this form will be made available on the Commissioner's website within "
        "3 working days of approval."
    )

    w.new_page()  # ---- page 2: Part II starts on a new page
    w.line("PART II - NOT FOR PUBLICATION", 12, bold=True)
    w.line("1. Exempt Information", 11, bold=True)
    w.para(
        "The information in this part is exempt from publication because it contains "
        "personal data and commercially sensitive pricing."
    )
    w.line("2. Claim Arising from Custody Transfer", 11, bold=True)
    w.line("A claim has been received from Mr Desmond Fairweather-Nkemelu of "
           "27 Quillon Gardens, Westbury WB2 5XJ,")
    w.line("following damage to his garden wall during a planned search of a "
           "neighbouring property.")
    w.line("Mr Fairweather-Nkemelu can be contacted on 07700 900261 or at "
           "d.fairweather@example.com.")
    w.line("The loss adjuster, Ms Ottoline Varga-Brennan, may be contacted on 020 7946 0732.")
    w.para("An ex gratia payment of £3,275 is recommended in full and final settlement.")
    w.line("3. Commercial Terms", 11, bold=True)
    w.para(
        "The provider's unit rate rises by 4.2 per cent for the extension period. A break "
        "clause allows termination on three months' notice if the regional procurement "
        "concludes early."
    )

    w.new_page()  # ---- page 3: declarations and signature block
    w.line("4. Officer Declarations", 11, bold=True)
    w.line("Chief Finance Officer: I confirm that the financial implications have been considered.")
    w.line("Signature: T. Marchetti")
    w.line("Date: 14 March 2025")
    w.space(6)
    w.line("Monitoring Officer: I confirm that legal and equality implications have been considered.")
    w.line("Signature: W. Adeyemi-Frost")
    w.line("Date: 14 March 2025")
    w.space(14)
    w.line("Deed of Variation", 11, bold=True)
    w.line("SIGNED by")
    w.line("duly authorised to sign for and on behalf of")
    w.line("THE CHIEF CONSTABLE OF WESTSHIRE CONSTABULARY")
    w.line("in the presence of:")
    w.line("Witness signature: R. Lindqvist")
    w.line("Name: ROSALIND LINDQVIST")
    w.line("Address: 14 ALDER CLOSE, WESTBURY WB3 7QT")
    w.line("Occupation: LIBRARIAN")
    w.save()

    return {
        "producer": "reportlab",
        "variants": ["part1+part2", "prose-pii", "labelled-fields"],
        "pages": 3,
        "part1": {
            "pages": [1],
            "redact": [
                {"text": "J. Okafor", "category": "signature", "page": 1},
                {"text": "Marguerite Pemberton-Oyelaran", "category": "name", "page": 1},
                {"text": "01632 960418", "category": "phone", "page": 1},
                {"text": "m.pemberton-oyelaran@example.org", "category": "email", "page": 1},
            ],
            "keep": [
                {"text": "Police and Crime Commissioner for Westshire", "page": 1},
                {"text": "DECISION RECORD", "page": 1},
                {"text": "Decision number: 2025/014", "page": 1},
                {"text": "Custody Healthcare Contract Extension", "page": 1},
                {"text": "Executive Summary", "page": 1},
                {"text": "£412,000", "page": 1},
                {"text": "Date: 17 March 2025", "page": 1},
                {"text": "Public access to information", "page": 1},
                {"text": "Freedom of Information Act 2000", "page": 1},
            ],
        },
        "part2": {
            "pages": [2, 3],
            "redact": [
                {"text": "Desmond Fairweather-Nkemelu", "category": "name", "page": 2},
                {"text": "27 Quillon Gardens", "category": "address", "page": 2},
                {"text": "WB2 5XJ", "category": "postcode", "page": 2},
                {"text": "Mr Fairweather-Nkemelu", "category": "name", "page": 2},
                {"text": "07700 900261", "category": "phone", "page": 2},
                {"text": "d.fairweather@example.com", "category": "email", "page": 2},
                {"text": "Ottoline Varga-Brennan", "category": "name", "page": 2},
                {"text": "020 7946 0732", "category": "phone", "page": 2},
                {"text": "T. Marchetti", "category": "signature", "page": 3},
                {"text": "W. Adeyemi-Frost", "category": "signature", "page": 3},
                {"text": "R. Lindqvist", "category": "signature", "page": 3},
                {"text": "ROSALIND LINDQVIST", "category": "name", "page": 3},
                {"text": "14 ALDER CLOSE", "category": "address", "page": 3},
                {"text": "WB3 7QT", "category": "postcode", "page": 3},
                {"text": "LIBRARIAN", "category": "signature", "page": 3},
            ],
            "keep": [
                {"text": "PART II - NOT FOR PUBLICATION", "page": 2},
                {"text": "Claim Arising from Custody Transfer", "page": 2},
                {"text": "ex gratia payment of £3,275", "page": 2},
                {"text": "full and final settlement", "page": 2},
                {"text": "Commercial Terms", "page": 2},
                {"text": "Officer Declarations", "page": 3},
                {"text": "Chief Finance Officer", "page": 3},
                {"text": "THE CHIEF CONSTABLE OF WESTSHIRE CONSTABULARY", "page": 3},
                {"text": "duly authorised to sign for and on behalf of", "page": 3},
                {"text": "Witness signature:", "page": 3},
            ],
        },
        "hidden": [],
    }


# --------------------------------------------------------------------------
# 2. decision-part2-only.pdf  (fpdf2, embedded DejaVu Sans subset, 1 page)
# --------------------------------------------------------------------------
def make_part2_only(path):
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_creation_date(datetime.datetime(2025, 3, 20, 12, 0, 0, tzinfo=datetime.timezone.utc))
    pdf.set_title("Decision record 2025/019 - Part II")
    pdf.set_author("Office of the Police and Crime Commissioner for Westshire")
    pdf.set_creator("foiredact samples/make_samples.py")
    pdf.set_producer("fpdf2")
    pdf.add_font("DejaVu", "", DEJAVU)
    pdf.add_font("DejaVu", "B", DEJAVU_BOLD)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_page()

    def head(text, size=12):
        pdf.set_font("DejaVu", "B", size)
        pdf.cell(0, size * 1.5, text, new_x="LMARGIN", new_y="NEXT")

    def line(text):
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 14, text, new_x="LMARGIN", new_y="NEXT")

    def para(text):
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 14, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)

    head("PART II (Exempt Information)", 13)
    line("Decision number: 2025/019")
    line("Title: Compensation for Damage during Warrant Execution")
    pdf.ln(6)
    head("1. Background", 11)
    para(
        "Officers executed a search warrant at a neighbouring address and forced entry "
        "through a shared side gate. The owner of the gate has submitted a claim for "
        "repair costs of £1,840."
    )
    para(
        "The claimant, Mrs Philippa Threadgold-Asante, has asked that all contact is by "
        "telephone on 0161 496 0825 or by e-mail to p.threadgold@example.org."
    )
    para("The gate was inspected by Mr Anselm Corrievale, tel +44 7700 900877.")
    head("2. Recommendation", 11)
    para(
        "That the claim is settled in full from the insurance reserve, without any "
        "admission of liability."
    )
    head("3. Witness Statement Cover Sheet", 11)
    line("Name: Cornelius Wexley-Abara")
    line("Address: 3 Marram Walk, London SW1H 9ZX")
    line("Occupation: ARCHIVIST")
    line("Witness signature: C. Wexley-Abara")
    pdf.ln(6)
    para(
        "This part is exempt under section 40 of the Freedom of Information Act 2000 and "
        "will not be published."
    )
    pdf.output(path)

    return {
        "producer": "fpdf2",
        "variants": ["part2-only", "prose-pii", "labelled-fields"],
        "pages": 1,
        "part1": {"pages": [], "redact": [], "keep": []},
        "part2": {
            "pages": [1],
            "redact": [
                {"text": "Philippa Threadgold-Asante", "category": "name", "page": 1},
                {"text": "0161 496 0825", "category": "phone", "page": 1},
                {"text": "p.threadgold@example.org", "category": "email", "page": 1},
                {"text": "Anselm Corrievale", "category": "name", "page": 1},
                {"text": "+44 7700 900877", "category": "phone", "page": 1},
                {"text": "Cornelius Wexley-Abara", "category": "name", "page": 1},
                {"text": "3 Marram Walk", "category": "address", "page": 1},
                {"text": "SW1H 9ZX", "category": "postcode", "page": 1},
                {"text": "ARCHIVIST", "category": "signature", "page": 1},
                {"text": "C. Wexley-Abara", "category": "signature", "page": 1},
            ],
            "keep": [
                {"text": "PART II (Exempt Information)", "page": 1},
                {"text": "Decision number: 2025/019", "page": 1},
                {"text": "Compensation for Damage during Warrant Execution", "page": 1},
                {"text": "repair costs of £1,840", "page": 1},
                {"text": "2. Recommendation", "page": 1},
                {"text": "insurance reserve", "page": 1},
                {"text": "Witness Statement Cover Sheet", "page": 1},
                {"text": "Witness signature:", "page": 1},
                {"text": "section 40 of the Freedom of Information Act 2000", "page": 1},
            ],
        },
        "hidden": [],
    }


# --------------------------------------------------------------------------
# 3. letter-contact.pdf  (reportlab, Times-Roman, justified Paragraph, 1 page)
# --------------------------------------------------------------------------
def make_letter(path):
    c = canvas.Canvas(path, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle("Complaint outcome letter CR/2025/0331")
    c.setAuthor("Office of the Police and Crime Commissioner for Westshire")
    c.setSubject("Sample document for foiredact")
    c.setCreator("foiredact samples/make_samples.py")
    x = MARGIN + 14
    width = PAGE_W - 2 * x
    y = PAGE_H - MARGIN

    c.setFont("Times-Bold", 12)
    c.drawRightString(PAGE_W - x, y, "Office of the Police and Crime Commissioner for Westshire")
    y -= 40
    c.setFont("Times-Roman", 11)
    for ln in ["Mr Lachlan Abernethy-Quist", "9 Farthingale Row", "Westbury", "WB4 6HL"]:
        c.drawString(x, y, ln)
        y -= 14
    y -= 16
    c.drawString(x, y, "Our ref: CR/2025/0331")
    c.drawRightString(PAGE_W - x, y, "12 March 2025")
    y -= 30
    c.drawString(x, y, "Dear Mr Abernethy-Quist,")
    y -= 12
    c.setFont("Times-Bold", 11)
    y -= 14
    c.drawString(x, y, "Outcome of your complaint about the handling of a reported burglary")
    y -= 10

    style = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14.5,
                           alignment=TA_JUSTIFY, spaceAfter=8)
    paras = [
        "Thank you for your letter of 3 March 2025 about the way your report of a burglary at "
        "your home was handled by Westshire Constabulary. I have now reviewed the complaint "
        "file, the incident log and the notes made by the attending officers, and I am writing "
        "to let you know the outcome of that review.",
        "The records show that the control room tried to call you on (01632) 960123 on the "
        "evening of the burglary and again the next morning, but the calls were not answered "
        "and no message could be left. A follow-up text message was then sent to your mobile, "
        "07700 900555, but it appears that it was never delivered. I accept that you were not "
        "kept informed as you should have been, and the complaint is therefore upheld.",
        "If you would like to discuss this decision, or if you would prefer us to contact you "
        "in a different way in future, please reply by e-mail to l.abernethy-quist@example.com "
        "quoting the reference above. You also have the right to ask for a review of this "
        "outcome by the Independent Office for Police Conduct within 28 days of the date of "
        "this letter.",
    ]
    for text in paras:
        p = Paragraph(text, style)
        _, h = p.wrap(width, PAGE_H)
        y -= h
        p.drawOn(c, x, y)
        y -= style.spaceAfter

    y -= 20
    c.setFont("Times-Roman", 11)
    for ln in ["Yours sincerely,", "", "", "Harriet Castellano",
               "Complaints Resolution Officer"]:
        c.drawString(x, y, ln)
        y -= 14
    c.showPage()
    c.save()

    return {
        "producer": "reportlab",
        "variants": ["no-parts", "justified", "prose-pii"],
        "pages": 1,
        "part1": {
            "pages": [1],
            "redact": [
                {"text": "Lachlan Abernethy-Quist", "category": "name", "page": 1},
                {"text": "9 Farthingale Row", "category": "address", "page": 1},
                {"text": "WB4 6HL", "category": "postcode", "page": 1},
                {"text": "Mr Abernethy-Quist", "category": "name", "page": 1},
                {"text": "(01632) 960123", "category": "phone", "page": 1},
                {"text": "07700 900555", "category": "phone", "page": 1},
                {"text": "l.abernethy-quist@example.com", "category": "email", "page": 1},
                {"text": "Harriet Castellano", "category": "name", "page": 1},
            ],
            "keep": [
                {"text": "Office of the Police and Crime Commissioner for Westshire", "page": 1},
                {"text": "Our ref: CR/2025/0331", "page": 1},
                {"text": "12 March 2025", "page": 1},
                {"text": "handling of a reported burglary", "page": 1},
                {"text": "Westshire Constabulary", "page": 1},
                {"text": "kept informed as you should have been", "page": 1},
                {"text": "Independent Office for Police Conduct", "page": 1},
                {"text": "Complaints Resolution Officer", "page": 1},
            ],
        },
        "part2": {"pages": [], "redact": [], "keep": []},
        "hidden": [],
    }


# --------------------------------------------------------------------------
# 4. decision-midpage.pdf  (reportlab, Helvetica, 1 page; Part II starts mid-page)
# --------------------------------------------------------------------------
def make_midpage(path):
    w = Writer(path, "Decision record 2025/021")
    header(w, "2025/021", "Replacement of Custody Suite CCTV")
    w.line("PART I", 12, bold=True)
    w.line("Executive Summary", 11, bold=True)
    w.para(
        "The closed circuit television system in the Westbury custody suite is beyond "
        "economic repair. Replacement cameras and recording equipment will cost £96,500, "
        "funded from the capital programme."
    )
    w.line("Decision", 11, bold=True)
    w.para("The Commissioner approves the replacement of the custody suite CCTV system.")
    w.line("Signature: J. Okafor")
    w.line("Date: 2 April 2025")
    w.space(30)
    w.rule()
    w.line("PART II", 12, bold=True)
    w.line("Supplier Site Access Arrangements", 11, bold=True)
    w.line("Installation will take place overnight to avoid disruption to detainees.")
    w.line("The supplier's site contact is Mr Barnaby Oyelowo-Strand, who lives close "
           "to the station,")
    w.line("at 61 Tamsin Crescent, Westbury WB9 1AB.")
    w.line("Out of hours he can be reached on 0113 496 0947.")
    w.para(
        "The tender evaluation scores are commercially confidential and are held on "
        "the procurement file."
    )
    w.save()

    return {
        "producer": "reportlab",
        "variants": ["part1+part2", "midpage-boundary", "prose-pii"],
        "pages": 1,
        "part1": {
            "pages": [1],
            "redact": [
                {"text": "J. Okafor", "category": "signature", "page": 1},
            ],
            "keep": [
                {"text": "Police and Crime Commissioner for Westshire", "page": 1},
                {"text": "Decision number: 2025/021", "page": 1},
                {"text": "Replacement of Custody Suite CCTV", "page": 1},
                {"text": "beyond economic repair", "page": 1},
                {"text": "£96,500", "page": 1},
                {"text": "funded from the capital programme", "page": 1},
                {"text": "Date: 2 April 2025", "page": 1},
            ],
        },
        "part2": {
            "pages": [1],
            "redact": [
                {"text": "Barnaby Oyelowo-Strand", "category": "name", "page": 1},
                {"text": "61 Tamsin Crescent", "category": "address", "page": 1},
                {"text": "WB9 1AB", "category": "postcode", "page": 1},
                {"text": "0113 496 0947", "category": "phone", "page": 1},
            ],
            "keep": [
                {"text": "Supplier Site Access Arrangements", "page": 1},
                {"text": "Installation will take place overnight", "page": 1},
                {"text": "disruption to detainees", "page": 1},
                {"text": "tender evaluation scores", "page": 1},
                {"text": "commercially confidential", "page": 1},
                {"text": "held on the procurement file", "page": 1},
            ],
        },
        "hidden": [],
    }


# --------------------------------------------------------------------------
# 5. decision-scanned.pdf  (a scan: one 1-bit page image, no text layer)
# --------------------------------------------------------------------------
SCAN_DPI = 200


def make_scanned(path):
    """A page that is only a picture of text, as a scanner makes it: the words are drawn with
    Pillow (DejaVu Sans) into a 1-bit A4 image at 200 dpi, which is the whole page (Flate, no text
    layer), so only OCR reads it. The PDF is written by hand: a fixed layout, so the bytes are
    reproducible."""
    import zlib

    from PIL import Image, ImageDraw, ImageFont

    w_px, h_px = round(PAGE_W / 72 * SCAN_DPI), round(PAGE_H / 72 * SCAN_DPI)
    im = Image.new("L", (w_px, h_px), 255)
    d = ImageDraw.Draw(im)
    px = lambda pt: round(pt / 72 * SCAN_DPI)  # noqa: E731
    font = ImageFont.truetype(DEJAVU, px(11))
    bold = ImageFont.truetype(DEJAVU_BOLD, px(12))
    y = px(MARGIN)
    lines = [
        ("Police and Crime Commissioner for Westshire", bold),
        ("DECISION RECORD", bold),
        ("", font),
        ("Decision number: 2025/027", font),
        ("Title: Rural Crime Partnership Grant", font),
        ("", font),
        ("The Commissioner approves a grant of £18,000 to the rural crime", font),
        ("partnership for the year to 31 March 2026.", font),
        ("", font),
        ("The scheme was proposed by a local resident, Mrs Rowena Tregarthen,", font),
        ("of 12 Heronsgate Lane, Westbury WB5 3RT. She can be reached", font),
        ("on 01632 960884 about the pilot events.", font),
        ("", font),
        ("Date: 9 April 2025", font),
    ]
    for text, f in lines:
        if text:
            d.text((px(MARGIN), y), text, font=f, fill=0)
        y += px(17)
    bits = im.point(lambda v: 255 if v >= 128 else 0).convert("1")
    data = zlib.compress(bits.tobytes(), 9)
    content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n" % (PAGE_W, PAGE_H)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject "
        b"<< /Im0 5 0 R >> >> /Contents 4 0 R >>" % (PAGE_W, PAGE_H),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 1 /Filter /FlateDecode /Length %d >>\nstream\n"
        % (w_px, h_px, len(data)) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)

    return {
        "producer": "scanned",
        "variants": ["no-parts", "no-text-layer", "prose-pii"],
        "pages": 1,
        "part1": {
            "pages": [1],
            "redact": [
                {"text": "Rowena Tregarthen", "category": "name", "page": 1},
                {"text": "12 Heronsgate Lane", "category": "address", "page": 1},
                {"text": "WB5 3RT", "category": "postcode", "page": 1},
                {"text": "01632 960884", "category": "phone", "page": 1},
            ],
            "keep": [
                {"text": "Police and Crime Commissioner for Westshire", "page": 1},
                {"text": "Decision number: 2025/027", "page": 1},
                {"text": "Rural Crime Partnership Grant", "page": 1},
                {"text": "grant of £18,000", "page": 1},
                {"text": "proposed by a local resident", "page": 1},
                {"text": "Date: 9 April 2025", "page": 1},
            ],
        },
        "part2": {"pages": [], "redact": [], "keep": []},
        "hidden": [],
    }


SAMPLES = [
    ("decision-part1-part2.pdf", make_part1_part2),
    ("decision-part2-only.pdf", make_part2_only),
    ("letter-contact.pdf", make_letter),
    ("decision-midpage.pdf", make_midpage),
    ("decision-scanned.pdf", make_scanned),
]


# --------------------------------------------------------------------------
# verification (--check)
# --------------------------------------------------------------------------
def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def page_lines(path, page, scanned=False):
    out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), path, "-"],
                         check=True, capture_output=True, text=True).stdout
    if scanned:
        # No text layer: the page is read as OCR reads it (pdftoppm, then tesseract).
        if out.strip():
            raise SystemExit("%s: the scan has a text layer" % path)
        png = subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", str(page), "-l", str(page),
                              "-png", path], check=True, capture_output=True).stdout
        out = subprocess.run(["tesseract", "-", "-"], input=png, check=True,
                             capture_output=True).stdout.decode("utf-8")
    return [norm(l) for l in out.splitlines()]


def check(expected):
    failures = [0]

    def fail(msg):
        failures[0] += 1
        print("FAIL:", msg)

    for name, truth in expected.items():
        problems_before = failures[0]
        path = os.path.join(HERE, name)
        info = subprocess.run(["pdfinfo", path], check=True, capture_output=True,
                              text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        if pages != truth["pages"]:
            fail("%s: %d pages, expected %d" % (name, pages, truth["pages"]))
        if subprocess.run(["qpdf", "--check", path], capture_output=True).returncode != 0:
            fail("%s: qpdf --check failed" % name)
        size = os.path.getsize(path)
        if size >= 50 * 1024:
            fail("%s: %d bytes" % (name, size))

        # text of each part, per page; a page shared by both parts is split at
        # the line that starts with "part ii".
        region = {}
        for part in ("part1", "part2"):
            for pg in truth[part]["pages"]:
                lines = page_lines(path, pg, truth["producer"] == "scanned")
                if pg in truth["part1"]["pages"] and pg in truth["part2"]["pages"]:
                    cut = next(i for i, l in enumerate(lines) if l.startswith("part ii"))
                    lines = lines[:cut] if part == "part1" else lines[cut:]
                region[(part, pg)] = lines

        all_redact = {norm(r["text"]) for p in ("part1", "part2") for r in truth[p]["redact"]}
        for part in ("part1", "part2"):
            other = "part2" if part == "part1" else "part1"
            listed = {(norm(r["text"]), r["page"]) for r in truth[part]["redact"]}
            for item in truth[part]["redact"] + truth[part]["keep"]:
                t, pg = norm(item["text"]), item["page"]
                if (part, pg) not in region:
                    fail("%s %s: %r on page %d outside the part" % (name, part, t, pg))
                    continue
                # each item must sit on one extracted line (no deliberate splits)
                if not any(t in l for l in region[(part, pg)]):
                    fail("%s %s p%d: %r not found on a single line" % (name, part, pg, t))
                if "category" not in item and any(r in t for r in all_redact):
                    fail("%s: keep item %r contains a redact item" % (name, t))
            # completeness: every occurrence of a redact text in this part is listed
            for (p, pg), lines in region.items():
                if p != part:
                    continue
                text = " ".join(lines)
                for r in all_redact:
                    if r in text and (r, pg) not in listed:
                        fail("%s %s p%d: %r occurs but is not listed" % (name, part, pg, r))
            # cross-contamination: this part's keep items must not occur in the other part
            other_text = " ".join(" ".join(l) for (p, _), l in region.items() if p == other)
            for item in truth[part]["keep"]:
                if norm(item["text"]) in other_text:
                    fail("%s: %s keep item %r also occurs in %s"
                         % (name, part, item["text"], other))
        print("%-26s %d page(s) %6d bytes  %s" % (name, pages, size,
                                                  "ok" if failures[0] == problems_before else "PROBLEMS"))
    return failures[0] == 0


def main():
    expected = {}
    for name, fn in SAMPLES:
        expected[name] = fn(os.path.join(HERE, name))
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    if "--check" in sys.argv[1:]:
        sys.exit(0 if check(expected) else 1)


if __name__ == "__main__":
    main()
