#!/usr/bin/env python3
"""Which of some letters each embedded Type 1 or CFF font program of a PDF can still draw, read with
fontTools (an outside reader: foiredact's own parsers are not used).

    python3 tests/fonts/glyphs.py INPUT.pdf OUTPUT.pdf LETTERS

For every font of INPUT whose program is Type 1 (FontFile), CFF (FontFile3 /Type1C, /CIDFontType0C)
or OpenType with CFF outlines (FontFile3 /OpenType, or FontFile2 as fpdf2 writes it), the glyph each
of LETTERS selects is found in INPUT: by its glyph name (the Adobe Glyph List name of the letter) in a
name-keyed program, or, in a CID font, through the /ToUnicode code that gives the letter, its CID
(Identity-H) and the CIDToGIDMap or the program's CID -> glyph map. The letter is then looked up the
same way in the font of OUTPUT with the same /BaseFont (its subset tag aside), and, in a name-keyed
program, by its glyph name. Prints JSON lines:
{"font", "program", "glyphs_in", "glyphs_out", "drawn_in": [letters], "drawn_out": [letters]}: the
letters whose glyph has an outline (a non-empty bounding box) in each file, and the number of glyphs
with outlines in each program.
"""
import io
import json
import re
import sys

import pikepdf
from fontTools import agl, t1Lib
from fontTools.cffLib import CFFFontSet
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont


def descendant(font):
    if font.get("/Subtype") == "/Type0":
        return font.DescendantFonts[0]
    return font


def program(font):
    """(kind, glyph set, CID -> glyph name or None) of a font's embedded program."""
    fd = descendant(font).get("/FontDescriptor")
    if fd is None:
        return None
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in fd:
            s = fd[key]
            data = s.read_bytes()
            sub = str(s.get("/Subtype", ""))
            if key == "/FontFile":
                l1, l2 = int(s.Length1), int(s.Length2)
                pfb = io.BytesIO()
                enc = data[l1:l1 + l2]
                if re.fullmatch(rb"[0-9A-Fa-f]{4}", enc[:4]):
                    enc = bytes.fromhex(re.sub(rb"\s", b"", enc).decode())
                for kind, chunk in ((1, data[:l1]), (2, enc), (1, data[l1 + l2:])):
                    pfb.write(bytes([0x80, kind]) + len(chunk).to_bytes(4, "little") + chunk)
                pfb.write(b"\x80\x03")
                path = "/tmp/_glyphs_py.pfb"
                with open(path, "wb") as f:
                    f.write(pfb.getvalue())
                t = t1Lib.T1Font(path)
                t.parse()
                return "Type1", t.getGlyphSet(), None
            if sub in ("/Type1C", "/CIDFontType0C"):
                cff = CFFFontSet()
                cff.decompile(io.BytesIO(data), None)
                top = cff[cff.fontNames[0]]
                return sub[1:], top.CharStrings, top.charset
            if data[:4] == b"OTTO":
                tt = TTFont(io.BytesIO(data))
                if "CFF " not in tt:
                    return None
                top = tt["CFF "].cff.topDictIndex[0]
                return "OpenType", top.CharStrings, tt.getGlyphOrder()
            return None
    return None


def has_outline(glyphs, name):
    if name is None or name not in glyphs:
        return False
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    return pen.bounds is not None


def to_unicode(font):
    out = {}
    if "/ToUnicode" not in font:
        return out
    text = font.ToUnicode.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(uni, 16)
            for k, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                out[code] = chr(base + k)
    return out


def fonts(pdf):
    """/BaseFont without its subset tag (renumbering makes a new one) -> (font, program)."""
    out = {}
    for o in pdf.objects:
        if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font" \
                and o.get("/Subtype") in ("/Type1", "/Type0", "/TrueType", "/MMType1"):
            p = program(o)
            if p is not None:
                out[re.sub(r"^/[A-Z]{6}\+", "/", str(o.get("/BaseFont")))] = (o, p)
    return out


def glyph_names(font, prog, letters):
    """letter -> the glyph name (in the program's glyph set) that draws it in this font."""
    kind, glyphs, order = prog
    names = {}
    if font.get("/Subtype") != "/Type0":
        for ch in letters:
            names[ch] = agl.UV2AGL.get(ord(ch), ch)
        return names
    tu = to_unicode(font)
    kid = descendant(font)
    gid_map = kid.CIDToGIDMap.read_bytes() if isinstance(kid.get("/CIDToGIDMap"), pikepdf.Stream) else None
    for code, uni in tu.items():
        if uni in letters:
            cid = code  # Identity-H
            if gid_map is not None and kind == "OpenType":
                cid = int.from_bytes(gid_map[2 * cid:2 * cid + 2], "big")
            if kind == "CIDFontType0C":
                names[uni] = f"cid{cid:05d}"
            elif order is not None and cid < len(order):
                names[uni] = order[cid]
    return names


def main():
    inp, outp, letters = sys.argv[1], sys.argv[2], sys.argv[3]
    with pikepdf.open(inp) as a, pikepdf.open(outp) as b:
        fa, fb = fonts(a), fonts(b)
        for base, (font, prog) in fa.items():
            names = glyph_names(font, prog, letters)
            row = {"font": base, "program": prog[0],
                   "glyphs_in": sum(has_outline(prog[1], g) for g in prog[1].keys()),
                   "drawn_in": sorted(c for c, g in names.items() if has_outline(prog[1], g))}
            if base in fb:
                fo, ob = fb[base]
                # The letters as the output's font finds them (its own /ToUnicode and glyph ids:
                # renumbering gives new codes and glyph ids), and, in a name-keyed program, any glyph
                # still named for them.
                out_names = glyph_names(fo, ob, letters)
                drawn = []
                for c, g in names.items():
                    named = g if ob[0] in ("Type1", "Type1C") else None
                    if has_outline(ob[1], out_names.get(c)) or has_outline(ob[1], named):
                        drawn.append(c)
                row["drawn_out"] = sorted(drawn)
                row["glyphs_out"] = sum(has_outline(ob[1], g) for g in ob[1].keys())
            print(json.dumps(row))


if __name__ == "__main__":
    main()
