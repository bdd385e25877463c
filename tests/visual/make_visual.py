#!/usr/bin/env python3
"""Generate the test files of issue #19 ("see each page as a reader sees it"): small decision-like PDFs
whose personal data is where the text layer cannot be trusted, and OUTDIR/manifest.json.

    python3 tests/visual/make_visual.py OUTDIR                 # write the PDFs and manifest.json
    python3 tests/visual/make_visual.py OUTDIR --check         # ... then OCR every input (pdftoppm -r 300 |
                                                               #     tesseract): each must_go term must be read
    python3 tests/visual/make_visual.py OUTDIR --tool BINARY   # ... then run `BINARY redact` on each file with
                                                               #     its must_go terms and OCR the outputs:
                                                               #     prints leaked / clean / declined per file

Classes (two variants each, different producers or layouts; see tests/visual/README.md):
  a  scan, invisible text layer shifted one line below the ink
  b  scan, text layer misreads the name ("Hevvitt" for "Hewitt")
  c  scan, text layer lacks the line holding the name
  d  every glyph drawn as vector outlines (Ghostscript pdfwrite -dNoOutputFonts)
  e  one line (the name) drawn as outlines on an otherwise normal text page
  f  a screenshot (an image of an e-mail header) among real text lines
  g  a font whose codes have no Unicode mapping, holding a name
  h  the same kind of font holding nothing personal: the file must be published, not declined

manifest.json: {"files": [{"file", "class", "class_name", "variant", "producer", "pages", "must_go",
"must_stay", "must_publish", "text_layer_lacks", "text_layer_has"}]}. `must_go`: terms (one per line of a
--terms file) that must be absent from tesseract's reading of every output page; `must_stay`: phrases that
must still be read there; `must_publish`: the file must be written, not declined; `text_layer_lacks` /
`text_layer_has`: what pdftotext of the INPUT does not / does print (checked here on every run).

Deterministic: fixed texts, seeds and dates (reportlab invariant=1, Ghostscript without dates or IDs, qpdf
--deterministic-id), so reruns give the same bytes. Exit status 2 names a missing tool; 1 means a check
failed (a file does not show what it was made to show).
"""
import argparse
import hashlib
import io
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zlib

FONTS = "/usr/share/fonts/truetype/dejavu"
SANS = f"{FONTS}/DejaVuSans.ttf"
SANS_BOLD = f"{FONTS}/DejaVuSans-Bold.ttf"
SERIF = f"{FONTS}/DejaVuSerif.ttf"

# Fixed date for every producer that writes one (2026-01-15 00:00 UTC).
EPOCH = "1768435200"


def missing_tool(what):
    print(f"make_visual: missing: {what}", file=sys.stderr)
    sys.exit(2)


def need_tools():
    """Exit 2 naming the first missing tool or Python module."""
    missing = []
    for mod, name in [("PIL", "Pillow (PIL)"), ("reportlab", "reportlab"), ("fontTools", "fontTools")]:
        try:
            __import__(mod)
        except ImportError:
            missing.append(f"python module {name}")
    for prog, pkg in [("gs", "ghostscript"), ("qpdf", "qpdf"), ("pdftotext", "poppler-utils")]:
        if not shutil.which(prog):
            missing.append(f"program {prog} (apt-get install {pkg})")
    if not os.path.exists(SANS) or not os.path.exists(SERIF):
        missing.append(f"DejaVu fonts in {FONTS} (apt-get install fonts-dejavu-core)")
    if missing:
        missing_tool("; ".join(missing))


need_tools()

from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from fontTools.pens.basePen import BasePen  # noqa: E402
from fontTools.ttLib import TTFont, newTable  # noqa: E402
from fontTools.ttLib.tables._c_m_a_p import cmap_format_4  # noqa: E402
from fontTools import subset as ftsubset  # noqa: E402
from reportlab import rl_config  # noqa: E402

rl_config.invariant = 1
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

pdfmetrics.registerFont(RLTTFont("DejaVuSerif", SERIF))
pdfmetrics.registerFont(RLTTFont("DejaVuSans", SANS))

PAGE_W, PAGE_H = A4
LEFT = 64
TOP = 90  # first baseline, points from the top
LEAD = 22  # line spacing, points

# --------------------------------------------------------------------------------------------------
# The people (invented) and the prose
# --------------------------------------------------------------------------------------------------
PEOPLE = [
    # name, surname, address line, postcode, e-mail
    ("Mia Hewitt", "Hewitt", "14 Larkfield Road, Bristol BS6 5TX", "BS6 5TX", "mia.hewitt@example.org"),
    ("Oluwaseun Adeyemi", "Adeyemi", "7 Orchard Close, Leeds LS6 2QP", "LS6 2QP", "s.adeyemi@example.com"),
    ("Nguyen Thi Lan", "Nguyen", "22 Mill Lane, Cardiff CF10 1AB", "CF10 1AB", "lan.nguyen@example.org"),
    ("Siobhán Ní Bhriain", "Bhriain", "3 Harbour View, Whitby YO21 3PU", "YO21 3PU", "s.nibhriain@example.com"),
    ("Tomasz Wiśniewski", "Wiśniewski", "41 Beech Grove, Derby DE22 1FT", "DE22 1FT", "t.wisniewski@example.org"),
    ("Priya Raghunathan", "Raghunathan", "9 Kestrel Way, Norwich NR4 7TJ", "NR4 7TJ", "priya.r@example.com"),
]

# The held-out set (--set heldout): other people, fonts, resolutions and line positions, the same
# classes and file names; to check that a fix holds for the class and not for the dev files only.
PEOPLE_HELDOUT = [
    ("Callum MacLeod", "MacLeod", "5 Quarry Lane, Halifax HX1 4PQ", "HX1 4PQ", "callum.macleod@example.org"),
    ("Aisha Bello", "Bello", "27 Rowan Crescent, Luton LU2 9HE", "LU2 9HE", "aisha.bello@example.com"),
    ("Zofia Kowalczyk", "Kowalczyk", "18 Station Road, Ipswich IP4 1QW", "IP4 1QW", "z.kowalczyk@example.org"),
    ("Eamon Fitzgerald", "Fitzgerald", "2 Chapel Row, Truro TR1 2LX", "TR1 2LX", "eamon.f@example.com"),
    ("Hannah Okonkwo", "Okonkwo", "60 Meadow Bank, Carlisle CA2 4NR", "CA2 4NR", "h.okonkwo@example.org"),
    ("Rhys Pritchard", "Pritchard", "11 Tan-y-bryn, Bangor LL57 2DG", "LL57 2DG", "rhys.pritchard@example.com"),
]
# (person index, the layer's reading of the name, of the surname) for class b
MISREADS = [(0, "Mia Hevvitt", "Hevvitt"), (2, "Nguycn Th1 Lau", "Nguycn")]
MISREADS_HELDOUT = [(0, "Ca11um MacLcod", "MacLcod"), (2, "Zofia Kovvalczyk", "Kovvalczyk")]
DPI_HI, DPI_LO = 300, 200
HARMLESS = "Reference: see annex B"
BOXES = "Tick one: \u2610 \u2610 \u2610 \u2610 \u2610"
BOXES_TTF = f"{FONTS}/DejaVuSans.ttf"  # has the ballot box U+2610 (DejaVu Serif has not)


def use_heldout():
    """Switch the module's settings to the held-out set."""
    global PEOPLE, MISREADS, DPI_HI, DPI_LO, TOP, LEAD, SANS, SERIF, SANS_BOLD, HARMLESS, BOXES
    PEOPLE, MISREADS = PEOPLE_HELDOUT, MISREADS_HELDOUT
    DPI_HI, DPI_LO = 250, 150
    TOP, LEAD = 120, 24
    SANS, SERIF = SERIF, SANS  # scans, outlines, Type 3 and TrueType glyphs from the other face
    SANS_BOLD = f"{FONTS}/DejaVuSerif-Bold.ttf"
    HARMLESS = "Reference: see annex C"
    BOXES = "Office use: \u2610 \u2610 \u2610 \u2610"


STAY = [
    "The Commissioner has considered the appeal",
    "refused the request under section 40",
]


def prose(ref, name, addr):
    """The lines of one decision page: (text, kind). kind: head, name, addr, body."""
    return [
        (f"Decision notice {ref}", "head"),
        (f"Appeal by {name} against the refusal of a", "name"),
        ("request for information made to Westshire Council.", "body"),
        (f"Home address: {addr}", "addr"),
        ("The Council refused the request under section 40(2).", "body"),
        ("The Commissioner has considered the appeal and the", "body"),
        ("Council's response. The appeal is allowed in part.", "body"),
        ("The Council must disclose the notes within 35 days.", "body"),
    ]


def terms_of(person, with_email=False):
    name, surname, addr, postcode, email = person
    t = [name, surname, addr, postcode]
    if with_email:
        t.append(email)
    return t


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------
def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        sys.exit(f"make_visual: {' '.join(map(str, cmd))} failed ({r.returncode}): {r.stderr.decode(errors='replace')[-400:]}")
    return r


def new_canvas(path, title):
    c = canvas.Canvas(path, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Westshire Information Rights Unit")
    c.setCreator("foiredact tests/visual/make_visual.py")
    return c


def y_of(i):
    """PDF baseline y of line i."""
    return PAGE_H - TOP - i * LEAD


def normalise(s):
    """Lowercase, accents folded, anything not a letter or digit a space."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s.lower()).split())


def gs_flags():
    # No dates, no document ID, no XMP: reruns give the same bytes.
    return ["-dOmitInfoDate", "-dOmitID", "-dOmitXMP"]


def qpdf_fix(src, dst):
    """Rewrite with qpdf deterministically (and recompress)."""
    run(["qpdf", "--deterministic-id", "--compress-streams=y", "--object-streams=preserve", src, dst])


# --------------------------------------------------------------------------------------------------
# Glyph outlines (fontTools pens): a line of text as path operators
# --------------------------------------------------------------------------------------------------
class OpsPen(BasePen):
    """Records a glyph as ('m', x, y) / ('l', x, y) / ('c', x1, y1, x2, y2, x3, y3) / ('h',) in font units;
    BasePen turns TrueType quadratic segments into cubics."""

    def __init__(self, glyphset):
        super().__init__(glyphset)
        self.ops = []

    def _moveTo(self, p):
        self.ops.append(("m",) + tuple(p))

    def _lineTo(self, p):
        self.ops.append(("l",) + tuple(p))

    def _curveToOne(self, p1, p2, p3):
        self.ops.append(("c",) + tuple(p1) + tuple(p2) + tuple(p3))

    def _closePath(self):
        self.ops.append(("h",))

    _endPath = _closePath


class Outlines:
    def __init__(self, ttf_path):
        self.font = TTFont(ttf_path)
        self.cmap = self.font.getBestCmap()
        self.gs = self.font.getGlyphSet()
        self.upem = self.font["head"].unitsPerEm
        self.hmtx = self.font["hmtx"]

    def glyph(self, ch):
        name = self.cmap[ord(ch)]
        pen = OpsPen(self.gs)
        self.gs[name].draw(pen)
        return name, pen.ops, self.hmtx[name][0]

    def line_ops(self, text, x, y, size):
        """Path ops (page units) drawing `text` with its baseline at (x, y)."""
        k = size / self.upem
        out = []
        for ch in text:
            _, ops, adv = self.glyph(ch)
            for op in ops:
                pts = op[1:]
                out.append((op[0],) + tuple(x + v * k if j % 2 == 0 else y + v * k for j, v in enumerate(pts)))
            x += adv * k
        return out, x

    def width(self, text, size):
        return sum(self.glyph(ch)[2] for ch in text) * size / self.upem


def ops_to_pdf(ops, fmt="{:.2f}"):
    parts = []
    for op in ops:
        nums = " ".join(fmt.format(v) for v in op[1:])
        parts.append(f"{nums} {op[0]}".strip())
    return "\n".join(parts)


def ops_to_rl_path(c, ops):
    p = c.beginPath()
    for op in ops:
        if op[0] == "m":
            p.moveTo(*op[1:])
        elif op[0] == "l":
            p.lineTo(*op[1:])
        elif op[0] == "c":
            p.curveTo(*op[1:])
        else:
            p.close()
    return p


# --------------------------------------------------------------------------------------------------
# A minimal PDF writer (for the fonts reportlab cannot make: Type 3, a symbolic TrueType without a map)
# --------------------------------------------------------------------------------------------------
class RawPdf:
    def __init__(self):
        self.objs = []

    def add(self, body):
        self.objs.append(body if isinstance(body, bytes) else body.encode("latin-1"))
        return len(self.objs)

    def reserve(self):
        self.objs.append(None)
        return len(self.objs)

    def set(self, num, body):
        self.objs[num - 1] = body if isinstance(body, bytes) else body.encode("latin-1")

    def stream(self, data, extra=""):
        if isinstance(data, str):
            data = data.encode("cp1252")  # the Helvetica lines are WinAnsi
        z = zlib.compress(data, 9)
        return self.add(f"<< /Length {len(z)} /Filter /FlateDecode {extra}>>\nstream\n".encode() + z + b"\nendstream")

    def save(self, path, root, info):
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offs = []
        for i, body in enumerate(self.objs, 1):
            offs.append(out.tell())
            out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
        x = out.tell()
        out.write(f"xref\n0 {len(self.objs) + 1}\n0000000000 65535 f \n".encode())
        for o in offs:
            out.write(f"{o:010d} 00000 n \n".encode())
        out.write(f"trailer\n<< /Size {len(self.objs) + 1} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{x}\n%%EOF\n".encode())
        with open(path, "wb") as f:
            f.write(out.getvalue())


def pdf_str(s):
    return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def raw_page_with_font(path, lines, special_line, font_kind, title, ttf=None):
    """A one-page PDF: `lines` (text, kind) in Helvetica (standard 14, WinAnsi), except line index
    `special_line`, which is drawn in a font whose codes have no Unicode mapping: `type3` (glyph procedures
    from DejaVu Sans outlines, /Differences names that map to nothing, no /ToUnicode) or `truetype` (a
    symbolic TrueType subset with only a (3,0) cmap, no glyph names, no /Encoding, no /ToUnicode)."""
    ttf = ttf or SANS
    pdf = RawPdf()
    ol = Outlines(ttf)
    special = lines[special_line][0]
    chars = sorted(set(special))
    rng = random.Random(19 + len(special))
    codes = list(range(1, 1 + len(chars)))
    rng.shuffle(codes)  # the codes say nothing about the letters
    code_of = dict(zip(chars, codes))
    size = 12
    if font_kind == "type3":
        procs = {}
        widths = {}
        names = {}
        for ch in chars:
            gname, ops, adv = ol.glyph(ch)
            # scale font units to the 1000-unit glyph space of FontMatrix 0.001
            k = 1000 / ol.upem
            scaled = [(op[0],) + tuple(v * k for v in op[1:]) for op in ops]
            w = round(adv * k)
            # a name in no glyph list and with no numeric form (poppler reads uniXXXX, gXX, cXX, Gxx ...)
            nm = "zq" + "".join(chr(ord("a") + (code_of[ch] * 7 + j) % 26) for j in range(3))
            names[code_of[ch]] = nm
            widths[code_of[ch]] = w
            body = f"{w} 0 d0\n" + ops_to_pdf(scaled, "{:.1f}") + "\nf\n" if scaled else f"{w} 0 d0\n"
            procs[nm] = pdf.stream(body)
        first, last = 1, len(chars)
        diffs = " ".join(f"{c} /{names[c]}" for c in sorted(names))
        cp = " ".join(f"/{n} {o} 0 R" for n, o in sorted(procs.items()))
        wl = " ".join(str(widths[c]) for c in range(first, last + 1))
        font = pdf.add(
            f"<< /Type /Font /Subtype /Type3 /FontBBox [-1100 -400 2000 1200] /FontMatrix [0.001 0 0 0.001 0 0] "
            f"/CharProcs << {cp} >> /Encoding << /Type /Encoding /Differences [{diffs}] >> "
            f"/FirstChar {first} /LastChar {last} /Widths [{wl}] /Resources << >> >>"
        )
    else:
        # subset DejaVu Sans to the line's characters, keep no glyph names, give it only a (3,0) cmap
        # from 0xF000+code (as symbolic fonts in PDFs have), so nothing maps a code to a letter
        opts = ftsubset.Options()
        logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
        opts.glyph_names = False
        opts.notdef_outline = True
        opts.name_IDs = []
        opts.layout_features = []
        f = TTFont(ttf, recalcTimestamp=False)
        f["head"].created = f["head"].modified = 3850000000  # fixed (seconds since 1904)
        sub = ftsubset.Subsetter(opts)
        sub.populate(unicodes=[ord(ch) for ch in chars])
        sub.subset(f)
        best = f.getBestCmap()
        st = cmap_format_4(4)
        st.platformID, st.platEncID, st.language = 3, 0, 0
        st.cmap = {0xF000 + code_of[ch]: best[ord(ch)] for ch in chars}
        cm = newTable("cmap")
        cm.tableVersion = 0
        cm.tables = [st]
        f["cmap"] = cm
        for t in ("GSUB", "GPOS", "GDEF", "name"):
            if t in f and t == "name":
                f["name"].names = []
            elif t in f:
                del f[t]
        buf = io.BytesIO()
        f.recalcTimestamp = False
        f.save(buf)
        data = buf.getvalue()
        z = zlib.compress(data, 9)
        ff = pdf.add(f"<< /Length {len(z)} /Length1 {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + z + b"\nendstream")
        upem = f["head"].unitsPerEm
        first, last = 1, len(chars)
        by_code = {code_of[ch]: ch for ch in chars}
        wl = " ".join(str(round(f["hmtx"][best[ord(by_code[c])]][0] * 1000 / upem)) for c in range(first, last + 1))
        fd = pdf.add(
            "<< /Type /FontDescriptor /FontName /QXJTAB+Face /Flags 4 /FontBBox [-1021 -463 1793 1232] "
            f"/ItalicAngle 0 /Ascent 928 /Descent -236 /CapHeight 729 /StemV 80 /FontFile2 {ff} 0 R >>"
        )
        font = pdf.add(
            f"<< /Type /Font /Subtype /TrueType /BaseFont /QXJTAB+Face /FirstChar {first} /LastChar {last} "
            f"/Widths [{wl}] /FontDescriptor {fd} 0 R >>"
        )
    helv = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    hb = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    content = []
    for i, (text, kind) in enumerate(lines):
        y = y_of(i)
        if i == special_line:
            hexs = "".join(f"{code_of[ch]:02X}" for ch in text)
            content.append(f"BT /FU {size} Tf {LEFT} {y:.2f} Td <{hexs}> Tj ET")
        else:
            fnt = "/HB 14" if kind == "head" else "/F1 12"
            content.append(f"BT {fnt} Tf {LEFT} {y:.2f} Td {pdf_str(text)} Tj ET")
    cs = pdf.stream("\n".join(content) + "\n")
    pages = pdf.reserve()
    page = pdf.add(
        f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {PAGE_W:.2f} {PAGE_H:.2f}] /Contents {cs} 0 R "
        f"/Resources << /Font << /F1 {helv} 0 R /HB {hb} 0 R /FU {font} 0 R >> >> >>"
    )
    pdf.set(pages, f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>")
    root = pdf.add(f"<< /Type /Catalog /Pages {pages} 0 R >>")
    info = pdf.add(f"<< /Title {pdf_str(title)} /Producer (foiredact tests/visual/make_visual.py) "
                   "/CreationDate (D:20260115000000Z) >>")
    pdf.save(path, root, info)


# --------------------------------------------------------------------------------------------------
# Scans (classes a, b, c)
# --------------------------------------------------------------------------------------------------
def scan(path, lines, layer, dpi, ttf, jpeg, per_word, tmp, title, seed):
    """A page that is an image of `lines` (rendered with PIL at `dpi` from `ttf`) plus an invisible
    (render mode 3) Helvetica text layer: `layer` is a list of (text or None, ink line index to sit on),
    one per ink line; each layer line is stretched (Tz) to the width of the ink of the line it stands for."""
    k = dpi / 72.0
    w, h = round(PAGE_W * k), round(PAGE_H * k)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    ink_w = []
    for i, (text, kind) in enumerate(lines):
        size = 14 if kind == "head" else 12
        font = ImageFont.truetype(SANS_BOLD if kind == "head" else ttf, round(size * k))
        d.text((LEFT * k, (PAGE_H - y_of(i)) * k), text, font=font, fill=0, anchor="ls")
        ink_w.append((font.getlength(text) / k, size, font, text))
    if seed is not None:  # a little scanner speckle, from a fixed seed
        rng = random.Random(seed)
        px = img.load()
        for _ in range(w * h // 4000):
            px[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 96, 160))
    c = new_canvas(path, title)
    if jpeg:
        ip = os.path.join(tmp, os.path.basename(path) + ".jpg")
        img.save(ip, "JPEG", quality=80, optimize=False, progressive=False, dpi=(dpi, dpi))
    else:
        ip = os.path.join(tmp, os.path.basename(path) + ".png")
        img.save(ip, "PNG", dpi=(dpi, dpi))
    c.drawImage(image_reader(ip), 0, 0, PAGE_W, PAGE_H)
    for text, at in layer:
        if text is None:
            continue
        width, size, font, ink_text = ink_w[min(at, len(ink_w) - 1)] if at < len(ink_w) else ink_w[-1]
        y = y_of(at)
        t = c.beginText()
        t.setTextRenderMode(3)
        if per_word:
            # one positioned string per word, as OCR engines write their layers
            words = text.split(" ")
            ink_words = ink_text.split(" ")
            x = LEFT
            for j, word in enumerate(words):
                iw = ink_words[j] if j < len(ink_words) else word
                wi = font.getlength(iw) / k
                t.setTextOrigin(x, y)
                t.setFont("Helvetica", size)
                t.setHorizScale(100.0 * wi / max(pdfmetrics.stringWidth(word, "Helvetica", size), 0.1))
                t.textOut(word)
                x += (font.getlength(iw + " ") / k)
        else:
            t.setTextOrigin(LEFT, y)
            t.setFont("Helvetica", size)
            t.setHorizScale(100.0 * width / pdfmetrics.stringWidth(text, "Helvetica", size))
            t.textOut(text)
        c.drawText(t)
    c.showPage()
    c.save()


# --------------------------------------------------------------------------------------------------
# Normal text pages (reportlab)
# --------------------------------------------------------------------------------------------------
def image_reader(path):
    """An ImageReader over the file's bytes, so that no temporary path reaches the PDF."""
    from reportlab.lib.utils import ImageReader
    with open(path, "rb") as f:
        return ImageReader(io.BytesIO(f.read()))


def text_page(c, lines, font="Helvetica", skip=(), head_font="Helvetica-Bold"):
    for i, (text, kind) in enumerate(lines):
        if i in skip:
            continue
        c.setFont(head_font if kind == "head" else font, 14 if kind == "head" else 12)
        c.drawString(LEFT, y_of(i), text)


# --------------------------------------------------------------------------------------------------
# The classes
# --------------------------------------------------------------------------------------------------
def make_all(out, tmp):
    files = []

    def entry(name, cls, cname, variant, producer, pages, must_go, lacks=(), has=(), stay=STAY, publish=False):
        files.append({
            "file": name, "class": cls, "class_name": cname, "variant": variant, "producer": producer,
            "pages": pages, "must_go": list(must_go), "must_stay": list(stay), "must_publish": publish,
            "text_layer_lacks": list(lacks), "text_layer_has": list(has),
        })

    # a. layer shifted one line below the ink
    for v, (p, dpi, ttf, jpeg, per_word, seed) in enumerate(
            [(PEOPLE[0], DPI_HI, SERIF, False, False, None), (PEOPLE[1], DPI_LO, SANS, True, True, 7)], 1):
        lines = prose(f"DN-2026-01{v}", p[0], p[2])
        layer = [(t, i + 1) for i, (t, _) in enumerate(lines)]
        name = f"a-layer-shifted-{v}.pdf"
        scan(os.path.join(out, name), lines, layer, dpi, ttf, jpeg, per_word, tmp, "Decision notice", seed)
        entry(name, "a", "layer_shifted", v,
              f"PIL {dpi} dpi {'JPEG' if jpeg else 'PNG'} + reportlab invisible layer ({'per word' if per_word else 'per line'})",
              1, terms_of(p), has=[p[0]])

    # b. layer misreads the name
    misreads = [(PEOPLE[i], wrong, wrong_sur) for i, wrong, wrong_sur in MISREADS]
    for v, ((p, wrong, wrong_sur), (dpi, ttf, jpeg, per_word, seed)) in enumerate(
            zip(misreads, [(DPI_HI, SANS, False, True, None), (DPI_LO, SERIF, True, False, 11)]), 1):
        lines = prose(f"DN-2026-02{v}", p[0], p[2])
        layer = [(t.replace(p[0], wrong), i) for i, (t, _) in enumerate(lines)]
        name = f"b-layer-misread-{v}.pdf"
        scan(os.path.join(out, name), lines, layer, dpi, ttf, jpeg, per_word, tmp, "Decision notice", seed)
        entry(name, "b", "layer_misread", v,
              f"PIL {dpi} dpi {'JPEG' if jpeg else 'PNG'} + reportlab invisible layer reading {wrong!r}",
              1, terms_of(p), lacks=[p[0], p[1]], has=[wrong])

    # c. layer lacks the line holding the name
    for v, (p, dpi, ttf, jpeg, per_word, seed) in enumerate(
            [(PEOPLE[3], DPI_HI, SANS, False, False, 3), (PEOPLE[4], DPI_LO, SERIF, True, True, None)], 1):
        lines = prose(f"DN-2026-03{v}", p[0], p[2])
        layer = [(None if kind == "name" else t, i) for i, (t, kind) in enumerate(lines)]
        name = f"c-layer-missing-line-{v}.pdf"
        scan(os.path.join(out, name), lines, layer, dpi, ttf, jpeg, per_word, tmp, "Decision notice", seed)
        entry(name, "c", "layer_missing_line", v,
              f"PIL {dpi} dpi {'JPEG' if jpeg else 'PNG'} + reportlab invisible layer without the name line",
              1, terms_of(p), lacks=[p[0]], has=[p[3]])

    # d. all outlines: Ghostscript pdfwrite -dNoOutputFonts
    for v, (p, font, two) in enumerate([(PEOPLE[5], "Helvetica", False), (PEOPLE[3], "DejaVuSerif", True)], 1):
        lines = prose(f"DN-2026-04{v}", p[0], p[2])
        base = os.path.join(tmp, f"d{v}.pdf")
        c = new_canvas(base, "Decision notice")
        if two:  # the name on page 1, the address on page 2
            text_page(c, [l for l in lines if l[1] != "addr"], font=font, head_font=font)
            c.showPage()
            text_page(c, [("Annex A: the parties", "head"), ("Appellant's details as held on file.", "body"),
                          (f"Home address: {p[2]}", "addr"), ("The annex is not for publication.", "body")],
                      font=font, head_font=font)
        else:
            text_page(c, lines, font=font)
        c.showPage()
        c.save()
        name = f"d-all-outlines-{v}.pdf"
        gso = os.path.join(tmp, f"d{v}-gs.pdf")
        run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dNoOutputFonts",
             *gs_flags(), f"-sOutputFile={gso}", base], env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
        qpdf_fix(gso, os.path.join(out, name))
        entry(name, "d", "all_outlines", v, f"reportlab {font} -> gs pdfwrite -dNoOutputFonts", 2 if two else 1,
              terms_of(p), lacks=[p[0], p[2], "Commissioner"])

    # e. the name line as outlines on a normal text page
    p = PEOPLE[2]
    lines = prose("DN-2026-051", p[0], p[2])
    ni = [k for k, (_, kind) in enumerate(lines) if kind == "name"][0]
    base = os.path.join(tmp, "e1-base.pdf")
    c = new_canvas(base, "Decision notice")
    text_page(c, lines, skip={ni})
    c.showPage()
    c.save()
    one = os.path.join(tmp, "e1-line.pdf")
    c = new_canvas(one, "line")
    c.setFont("Helvetica", 12)
    c.drawString(LEFT, y_of(ni), lines[ni][0])
    c.showPage()
    c.save()
    outl = os.path.join(tmp, "e1-outl.pdf")
    run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dNoOutputFonts", *gs_flags(),
         f"-sOutputFile={outl}", one], env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    name = "e-outlined-line-1.pdf"
    run(["qpdf", "--deterministic-id", base, "--overlay", outl, "--", os.path.join(out, name)])
    entry(name, "e", "outlined_line", 1, "reportlab Helvetica page + gs -dNoOutputFonts line, qpdf --overlay", 1,
          [p[0], p[1]], lacks=[p[0]], has=["Commissioner", p[3]])

    p = PEOPLE[1]
    lines = [(f"Re: {p[0]}", "name")] + [l for l in prose("DN-2026-052", p[0], p[2]) if l[1] != "name"]
    lines.insert(2, ("Appeal against the refusal of a request.", "body"))
    name = "e-outlined-line-2.pdf"
    c = new_canvas(os.path.join(out, name), "Decision notice")
    ol = Outlines(SANS_BOLD)
    ops, _ = ol.line_ops(lines[0][0], LEFT, y_of(0), 16)
    c.drawPath(ops_to_rl_path(c, ops), fill=1, stroke=0)
    text_page(c, lines, font="DejaVuSerif", skip={0})
    c.showPage()
    c.save()
    entry(name, "e", "outlined_line", 2, "reportlab page (DejaVu Serif) + heading drawn from DejaVu Sans Bold outlines (fontTools pen)",
          1, [p[0], p[1]], lacks=[p[0]], has=["Commissioner", p[3]])

    # f. a screenshot of an e-mail header among real text lines
    for v, (p, jpeg, scale) in enumerate([(PEOPLE[0], False, 2), (PEOPLE[2], True, 3)], 1):
        hdr = [f"From: {p[0]} <{p[4]}>", "To: foi@westshire.example.gov.uk",
               "Subject: Request for information - planning notes", "Date: 3 March 2026 09:14"]
        f = ImageFont.truetype(SANS, 11 * scale)
        iw, ih = 430 * scale, (len(hdr) * 16 + 14) * scale
        img = Image.new("RGB", (iw, ih), (246, 247, 250))
        d = ImageDraw.Draw(img)
        d.rectangle([0, 0, iw - 1, ih - 1], outline=(170, 176, 190), width=scale)
        for j, t in enumerate(hdr):
            d.text((8 * scale, (10 + 16 * j) * scale), t, font=f, fill=(20, 20, 30), anchor="lt")
        ip = os.path.join(tmp, f"f{v}." + ("jpg" if jpeg else "png"))
        img.save(ip, "JPEG", quality=85) if jpeg else img.save(ip, "PNG")
        body = [l for l in prose(f"DN-2026-06{v}", "the appellant", p[2]) if l[1] != "addr"]
        name = f"f-screenshot-{v}.pdf"
        c = new_canvas(os.path.join(out, name), "Decision notice")
        text_page(c, body[:3])
        c.setFont("Helvetica", 12)
        c.drawString(LEFT, y_of(3), "The request was made by e-mail:")
        top = y_of(3) - 12
        c.drawImage(image_reader(ip), LEFT, top - ih / scale, iw / scale, ih / scale)
        for j, (t, _) in enumerate(body[3:]):
            c.drawString(LEFT, top - ih / scale - 24 - j * LEAD, t)
        c.showPage()
        c.save()
        entry(name, "f", "screenshot", v, f"reportlab Helvetica page + {'JPEG' if jpeg else 'PNG'} screenshot at {scale}x",
              1, [p[0], p[1], p[4]], lacks=[p[0], p[4]], has=["Commissioner"])

    # g. a font with unmapped codes holding a name; h. the same holding nothing personal
    for v, (kind, p) in enumerate([("type3", PEOPLE[0]), ("truetype", PEOPLE[3])], 1):
        lines = prose(f"DN-2026-07{v}", p[0], p[2])
        ni = [k for k, (_, kk) in enumerate(lines) if kk == "name"][0]
        name = f"g-unmapped-name-{v}.pdf"
        raw_page_with_font(os.path.join(out, name), lines, ni, kind, "Decision notice")
        entry(name, "g", "unmapped_name", v,
              f"hand-written PDF: Helvetica + the name line in a {'Type 3 font (DejaVu outlines, unmapped /Differences names)' if kind == 'type3' else 'symbolic TrueType subset ((3,0) cmap only, no glyph names, no /Encoding)'}; no /ToUnicode",
              1, [p[0], p[1]], lacks=[p[0], p[1]], has=["Commissioner", p[3]])
    for v, (kind, p, special) in enumerate([("type3", PEOPLE[1], HARMLESS),
                                            ("truetype", PEOPLE[5], BOXES)], 1):
        lines = prose(f"DN-2026-08{v}", p[0], p[2])
        lines.append((special, "body"))
        name = f"h-unmapped-harmless-{v}.pdf"
        raw_page_with_font(os.path.join(out, name), lines, len(lines) - 1, kind, "Decision notice",
                           ttf=BOXES_TTF if v == 2 else None)
        stay = STAY + ([HARMLESS] if v == 1 else [])
        entry(name, "h", "unmapped_harmless", v,
              f"hand-written PDF: Helvetica (holding the name, as real text) + a line ({'Type 3' if kind == 'type3' else 'symbolic TrueType'}, unmapped) with nothing personal",
              1, terms_of(p), lacks=(["annex"] if v == 1 else [BOXES.split(":")[0]]), has=[p[0], "Commissioner"], stay=stay, publish=True)
    return files


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------
def pdftotext(path):
    r = subprocess.run(["pdftotext", "-q", path, "-"], capture_output=True)
    return r.stdout.decode("utf-8", errors="replace")


def ocr_words(path, tmp):
    """tesseract's reading of every page of `path` rendered by pdftoppm at 300 dpi: normalised words."""
    d = tempfile.mkdtemp(dir=tmp)
    run(["pdftoppm", "-r", "300", "-gray", "-png", path, os.path.join(d, "p")])
    words = []
    for png in sorted(os.listdir(d)):
        r = run(["tesseract", os.path.join(d, png), "stdout"], env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        words += normalise(r.stdout.decode("utf-8", errors="replace")).split()
    shutil.rmtree(d)
    return words


def edit1(a, b):
    """Edit distance of a and b is at most 1."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


def found(term, words, fuzzy):
    """The term's words appear consecutively in `words` (fuzzy: a word of 5+ letters may differ by one
    edit, as OCR slips do)."""
    tw = normalise(term).split()
    n = len(tw)
    for i in range(len(words) - n + 1):
        if all(w == t or (fuzzy and len(t) >= 5 and edit1(w, t)) for w, t in zip(words[i:i + n], tw)):
            return True
    return False


def check_layers(out, files):
    bad = 0
    for f in files:
        text = normalise(pdftotext(os.path.join(out, f["file"])))
        padded = f" {text} "
        for t in f["text_layer_lacks"]:
            if f" {normalise(t)} " in padded:
                print(f"make_visual: FAIL {f['file']}: pdftotext prints {t!r}, which the file was made to lack", file=sys.stderr)
                bad += 1
        for t in f["text_layer_has"]:
            if f" {normalise(t)} " not in padded:
                print(f"make_visual: FAIL {f['file']}: pdftotext does not print {t!r}", file=sys.stderr)
                bad += 1
    return bad


def check_ocr(out, files, tmp):
    bad = 0
    for f in files:
        words = ocr_words(os.path.join(out, f["file"]), tmp)
        missed = [t for t in f["must_go"] if not found(t, words, fuzzy=False)]
        fuzzy_only = [t for t in missed if found(t, words, fuzzy=True)]
        hard = [t for t in missed if t not in fuzzy_only]
        state = "ok" if not missed else ("ok (fuzzy: " + ", ".join(fuzzy_only) + ")" if not hard else "FAIL")
        print(f"input-ocr {f['file']}: class={f['class']} {state}"
              + (f" unread={len(hard)} of {len(f['must_go'])}" if hard else ""))
        bad += bool(hard)
    return bad


def check_tool(out, files, tool, tmp):
    """Run the current tool on each file; OCR its outputs. leaked / clean / declined per file."""
    results = []
    for f in files:
        d = tempfile.mkdtemp(dir=tmp)
        terms = os.path.join(d, "terms.txt")
        with open(terms, "w", encoding="utf-8") as t:
            t.write("\n".join(f["must_go"]) + "\n")
        od = os.path.join(d, "out")
        r = subprocess.run([tool, "redact", os.path.join(out, f["file"]), "--terms", terms, "--out", od,
                            "--overwrite", "--quiet", "--jobs", "1"], capture_output=True)
        summ = {}
        try:
            with open(os.path.join(od, "summary.json"), encoding="utf-8") as s:
                summ = json.load(s)
        except (OSError, ValueError):
            pass
        res = (summ.get("results") or [{}])[0]
        status = res.get("status", f"exit {r.returncode}")
        outs = sorted(os.path.join(od, x) for x in os.listdir(od) if x.endswith(".pdf")) if os.path.isdir(od) else []
        if not outs:
            verdict, detail = "declined", res.get("reason") or res.get("error") or status
            if not isinstance(detail, str):
                detail = json.dumps(detail)[:120]
        else:
            words = []
            for o in outs:
                words += ocr_words(o, tmp)
            leaked = [t for t in f["must_go"] if found(t, words, fuzzy=True)]
            lost = [t for t in f["must_stay"] if not found(t, words, fuzzy=True)]
            verdict = "leaked" if leaked else "clean"
            detail = f"status={status} leaked={len(leaked)}/{len(f['must_go'])} stay_lost={len(lost)}"
        if f["must_publish"] and verdict == "declined":
            detail += " (MUST be published)"
        print(f"current {f['file']}: class={f['class']} {verdict} {detail}")
        results.append({"file": f["file"], "class": f["class"], "verdict": verdict, "detail": detail})
        shutil.rmtree(d)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--set", choices=["dev", "heldout"], default="dev",
                    help="heldout: other people, fonts, resolutions and positions (same classes and names)")
    ap.add_argument("--check", action="store_true", help="OCR every input: each must_go term must be read")
    ap.add_argument("--tool", help="a foiredact binary: run `redact` on each file and OCR the outputs")
    ap.add_argument("--results", help="with --tool: write the per-file verdicts to this JSON file")
    a = ap.parse_args()
    if (a.check or a.tool) and not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        missing_tool("tesseract and pdftoppm (apt-get install tesseract-ocr poppler-utils)")
    if a.set == "heldout":
        use_heldout()
    os.makedirs(a.outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="make-visual-")
    try:
        files = make_all(a.outdir, tmp)
        for f in files:
            with open(os.path.join(a.outdir, f["file"]), "rb") as fh:
                f["sha256"] = hashlib.sha256(fh.read()).hexdigest()
        with open(os.path.join(a.outdir, "manifest.json"), "w", encoding="utf-8") as m:
            json.dump({"generator": "tests/visual/make_visual.py", "set": a.set, "files": files}, m, indent=1, ensure_ascii=False)
            m.write("\n")
        bad = check_layers(a.outdir, files)
        print(f"make_visual: wrote {len(files)} files and manifest.json to {a.outdir}")
        if a.check:
            bad += check_ocr(a.outdir, files, tmp)
        if a.tool:
            res = check_tool(a.outdir, files, a.tool, tmp)
            counts = {k: sum(r["verdict"] == k for r in res) for k in ("leaked", "clean", "declined")}
            print("current: " + " ".join(f"{k}={v}" for k, v in counts.items()))
            if a.results:
                with open(a.results, "w", encoding="utf-8") as o:
                    json.dump(res, o, indent=1)
        if bad:
            sys.exit(f"make_visual: {bad} check(s) failed")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
