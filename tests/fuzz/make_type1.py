#!/usr/bin/env python3
"""Makes the Type 1 font programs the fuzzer of tests/fuzz_stages.rs starts from (no sample embeds a
Type 1 font, and ../shared is not in every clone) into OUTDIR: a small invented font, "FoiSeed", with
an outline per glyph, written as a PDF embeds a Type 1 program (/FontFile: clear text, the eexec part
in binary, the 512 zeros and cleartomark), once with a built-in encoding array and once with
StandardEncoding, and once as a .pfa (the eexec part in hex). Deterministic: the same bytes each run.

    python3 tests/fuzz/make_type1.py tests/fuzz/seeds
"""
import os
import sys

# Glyphs: name -> (advance, rectangles as (x, y, w, h)); the built-in encoding's codes scramble them
# (as a subset font's encoding does), so only a reader of the program's encoding gets the text.
GLYPHS = {
    "Q": (720, [(60, 0, 600, 80), (60, 620, 600, 80)]),
    "u": (560, [(60, 0, 80, 500), (420, 0, 80, 500)]),
    "i": (260, [(90, 0, 80, 500), (90, 600, 80, 90)]),
    "m": (840, [(60, 0, 80, 500), (380, 0, 80, 500), (700, 0, 80, 500)]),
    "b": (560, [(60, 0, 80, 700), (60, 0, 440, 80)]),
    "y": (500, [(210, -200, 80, 700)]),
    "space": (280, []),
}
CUSTOM = {33: "Q", 34: "u", 35: "i", 36: "m", 37: "b", 38: "y", 32: "space", 90: "Q", 200: "m"}


def num(v):
    """A Type 1 charstring number."""
    if -107 <= v <= 107:
        return bytes([v + 139])
    if 108 <= v <= 1131:
        v -= 108
        return bytes([v // 256 + 247, v % 256])
    if -1131 <= v <= -108:
        v = -v - 108
        return bytes([v // 256 + 251, v % 256])
    return b"\xff" + v.to_bytes(4, "big", signed=True)


def charstring(advance, rects):
    out = num(0) + num(advance) + b"\x0d"  # hsbw
    x = y = 0
    for rx, ry, w, h in rects:
        out += num(rx - x) + num(ry - y) + b"\x15"  # rmoveto
        out += num(w) + num(0) + b"\x05"  # rlineto
        out += num(0) + num(h) + b"\x05"
        out += num(-w) + num(0) + b"\x05"
        out += b"\x09"  # closepath
        x, y = rx, ry
    return out + b"\x0e"  # endchar


def encrypt(data, r, skip=4):
    """eexec / charstring encryption (Adobe Type 1 Font Format, chapter 7), after `skip` lead bytes."""
    out = bytearray()
    for p in bytes(skip) + data:
        c = p ^ (r >> 8)
        r = ((c + r) * 52845 + 22719) & 0xFFFF
        out.append(c)
    return bytes(out)


def program(encoding, hex_eexec=False):
    if encoding == "standard":
        enc = b"/Encoding StandardEncoding def\n"
    else:
        enc = b"/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n"
        for code, name in sorted(CUSTOM.items()):
            enc += b"dup %d /%s put\n" % (code, name.encode())
        enc += b"readonly def\n"
    clear = (
        b"%!PS-AdobeFont-1.0: FoiSeed-Regular 001.000\n"
        b"%%Title: FoiSeed-Regular\n"
        b"11 dict begin\n"
        b"/FontInfo 3 dict dup begin\n"
        b"/FullName (FoiSeed Regular) readonly def\n"
        b"/FamilyName (FoiSeed) readonly def\n"
        b"/Weight (Regular) readonly def\n"
        b"end readonly def\n"
        b"/FontName /FoiSeed-Regular def\n"
        b"/PaintType 0 def\n"
        b"/FontType 1 def\n"
        b"/FontMatrix [0.001 0 0 0.001 0 0] readonly def\n"
        b"/FontBBox {0 -200 840 700} readonly def\n" + enc + b"currentdict end\ncurrentfile eexec\n"
    )
    private = (
        b"dup /Private 8 dict dup begin\n"
        b"/RD {string currentfile exch readstring pop} executeonly def\n"
        b"/ND {noaccess def} executeonly def\n"
        b"/NP {noaccess put} executeonly def\n"
        b"/lenIV 4 def\n"
        b"/BlueValues [-10 0 500 510 690 700] def\n"
        b"/MinFeature {16 16} def\n"
        b"/password 5839 def\n"
        b"/Subrs 0 array ND\n"
        b"2 index /CharStrings %d dict dup begin\n" % (len(GLYPHS) + 1)
    )
    for name, (adv, rects) in [(".notdef", (500, []))] + sorted(GLYPHS.items()):
        cs = encrypt(charstring(adv, rects), 4330)
        private += b"/%s %d RD " % (name.encode(), len(cs)) + cs + b" ND\n"
    private += (
        b"end\nend\nreadonly put\nnoaccess put\n"
        b"dup /FontName get exch definefont pop\n"
        b"mark currentfile closefile\n"
    )
    body = encrypt(private, 55665)
    if hex_eexec:
        h = body.hex()
        body = b"".join(h[i : i + 64].encode() + b"\n" for i in range(0, len(h), 64))
    trailer = b"\n" + (b"0" * 64 + b"\n") * 8 + b"cleartomark\n"
    return clear + body + trailer


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in [
        ("type1-builtin-encoding.t1", program("custom")),
        ("type1-standard-encoding.t1", program("standard")),
        ("type1-builtin-encoding.pfa", program("custom", hex_eexec=True)),
    ]:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
