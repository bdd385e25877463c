"""Makes the tiny fonts tests/encodings.rs draws with: each has a glyph per letter of the test text
("Report by Quimby today"), with an invented shape (a box whose size depends on the letter) and an
advance width of its own, so that positions tell whether the widths were read from the font.

Run from this folder with fontTools (4.68 here): `python3 make_fonts.py`. Writes:

- sym30.ttf  symbolic TrueType: only a (3,0) cmap, codes in 0xF000-0xF0FF, glyph names in `post`
- sym10.ttf  symbolic TrueType: only a (1,0) cmap, glyph names in `post`
- sym31.ttf  symbolic TrueType: (3,0) cmap in 0xF100-0xF1FF, no glyph names (`post` format 3), and a
             (3,1) cmap that gives each glyph's Unicode
- symnone.ttf symbolic TrueType: only a (3,0) cmap and no glyph names: nothing gives a Unicode
- cff.otf    OpenType with CFF outlines, a custom CFF encoding (format 0) and glyph names, one of them
             outside the standard strings
- cff.cff    the bare CFF table of cff.otf (what a PDF embeds as FontFile3 /Type1C)
- cffstd.cff bare CFF with the predefined Standard encoding

Codes are the letters' ASCII codes scrambled (`CODE` below), so that no reader can get the text from
the codes themselves.
"""
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.pens.t2CharStringPen import T2CharStringPen

# The distinct letters of the test text, and the space.
LETTERS = sorted(set("Report by Quimby today"))
NAMES = {" ": "space"}


def glyph_name(ch):
    return NAMES.get(ch, ch)


def code(ch):
    """A scrambled single-byte code for a letter (space stays 32 so that word spacing applies)."""
    if ch == " ":
        return 32
    return 0x21 + (ord(ch) * 7) % 90


def advance(ch):
    return 300 + (ord(ch) * 13) % 500


def box(pen, ch):
    if ch == " ":
        return
    w = advance(ch)
    h = 300 + (ord(ch) * 31) % 400
    pen.moveTo((50, 0))
    pen.lineTo((50, h))
    pen.lineTo((w - 50, h))
    pen.lineTo((w - 50, 0))
    pen.closePath()


def order():
    return [".notdef"] + [glyph_name(c) for c in LETTERS]


def save(fb, path):
    """Saves with fixed timestamps, so that the files are the same on every run."""
    fb.font["head"].created = fb.font["head"].modified = 0
    fb.font.recalcTimestamp = False
    fb.save(path)


def truetype(path, cmaps, keep_names=True):
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(order())
    glyphs = {}
    for g in order():
        pen = TTGlyphPen(None)
        ch = next((c for c in LETTERS if glyph_name(c) == g), None)
        if ch is None:
            pen.moveTo((0, 0)); pen.lineTo((0, 10)); pen.lineTo((10, 10)); pen.closePath()
        else:
            box(pen, ch)
        glyphs[g] = pen.glyph()
    fb.setupGlyf(glyphs)
    metrics = {g: (500, 0) for g in order()}
    for c in LETTERS:
        metrics[glyph_name(c)] = (advance(c), 50)
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupCharacterMap({}, uvs=None, allowFallback=True)
    # Replace the cmap with exactly the subtables asked for.
    from fontTools.ttLib.tables._c_m_a_p import cmap_format_4, cmap_format_6, table__c_m_a_p
    table = table__c_m_a_p()
    table.tableVersion = 0
    table.tables = []
    for (pid, eid, base, fmt) in cmaps:
        st = cmap_format_4(4) if fmt == 4 else cmap_format_6(6)
        st.platformID, st.platEncID, st.language = pid, eid, 0
        if base is None:  # Unicode
            st.cmap = {ord(c): glyph_name(c) for c in LETTERS}
        else:
            st.cmap = {base + code(c): glyph_name(c) for c in LETTERS}
        table.tables.append(st)
    fb.font["cmap"] = table
    fb.setupNameTable({"familyName": "FoiTest", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost(keepGlyphNames=keep_names)
    save(fb, path)


def cff(path, encoding, rename=None):
    rename = rename or {}
    names = [rename.get(g, g) for g in order()]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(names)
    charstrings = {}
    for g, n in zip(order(), names):
        ch = next((c for c in LETTERS if glyph_name(c) == g), None)
        # A charstring's width operand is relative to nominalWidthX (400); .notdef has none and
        # takes defaultWidthX (500).
        pen = T2CharStringPen(advance(ch) - 400 if ch else None, None)
        if ch:
            box(pen, ch)
        charstrings[n] = pen.getCharString()
    fb.setupCFF("FoiTestCFF", {"FullName": "FoiTestCFF"}, charstrings,
                {"defaultWidthX": 500, "nominalWidthX": 400})
    metrics = {n: (500, 0) for n in names}
    for c in LETTERS:
        metrics[rename.get(glyph_name(c), glyph_name(c))] = (advance(c), 50)
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupCharacterMap({})
    fb.setupNameTable({"familyName": "FoiTestCFF", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    top = fb.font["CFF "].cff.topDictIndex[0]
    if encoding == "custom":
        enc = [".notdef"] * 256
        for c in LETTERS:
            enc[code(c)] = rename.get(glyph_name(c), glyph_name(c))
        top.Encoding = enc
    else:
        top.Encoding = "StandardEncoding"
    save(fb, path)
    return fb.font


if __name__ == "__main__":
    truetype("sym30.ttf", [(3, 0, 0xF000, 4)])
    truetype("sym10.ttf", [(1, 0, 0, 6)])
    truetype("sym31.ttf", [(3, 0, 0xF100, 4), (3, 1, None, 4)], keep_names=False)
    truetype("symnone.ttf", [(3, 0, 0xF000, 4)], keep_names=False)
    font = cff("cff.otf", "custom", rename={"y": "uni0079"})
    with open("cff.cff", "wb") as f:
        f.write(font.getTableData("CFF "))
    font = cff("cffstd.otf", "standard")
    with open("cffstd.cff", "wb") as f:
        f.write(font.getTableData("CFF "))
    import os
    os.remove("cffstd.otf")
