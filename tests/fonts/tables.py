#!/usr/bin/env python3
"""What each embedded TrueType program of a PDF still holds, read with fontTools (an outside reader).

    python3 tests/fonts/tables.py FILE.pdf

Prints a JSON line per TrueType program (FontFile2 with glyf outlines): {"font", "tables": [tags],
"outlined": glyphs with an outline, "codes": codes its /ToUnicode maps, "figures": [names of the
head, hhea and maxp figures that differ from what the glyphs left give]}. A program's figures are
worked out again by fontTools (recalcBBoxes, maxp.recalc, hhea.recalc) from its own glyphs: a figure
that differs was written for glyphs that are no longer there (a subset's widest letter, say).
"""
import io
import json
import re
import sys

import pikepdf
from fontTools.ttLib import TTFont


def descendant(font):
    if font.get("/Subtype") == "/Type0":
        return font.DescendantFonts[0]
    return font


def main():
    pdf = pikepdf.open(sys.argv[1])
    seen = set()
    for page in pdf.pages:
        for _, font in (page.obj.get("/Resources", {}).get("/Font") or {}).items():
            fd = descendant(font).get("/FontDescriptor")
            if fd is None or "/FontFile2" not in fd:
                continue
            stream = fd.FontFile2
            if stream.objgen in seen:
                continue
            seen.add(stream.objgen)
            data = stream.read_bytes()
            tt = TTFont(io.BytesIO(data))
            if "glyf" not in tt:
                continue
            glyf = tt["glyf"]
            outlined = sum(1 for g in tt.getGlyphOrder() if glyf[g].numberOfContours != 0)
            before = {
                "head": {k: getattr(tt["head"], k) for k in ("xMin", "yMin", "xMax", "yMax")},
                "hhea": {k: getattr(tt["hhea"], k) for k in
                         ("advanceWidthMax", "minLeftSideBearing", "minRightSideBearing", "xMaxExtent")},
                "maxp": {k: getattr(tt["maxp"], k, None) for k in
                         ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                          "maxComponentElements", "maxComponentDepth")},
            }
            again = TTFont(io.BytesIO(data), recalcBBoxes=True)
            for g in again.getGlyphOrder():
                again["glyf"][g].recalcBounds(again["glyf"])
            again["maxp"].recalc(again)
            again["hhea"].recalc(again)
            bb = [again["glyf"][g] for g in again.getGlyphOrder() if again["glyf"][g].numberOfContours != 0]
            head_again = {
                "xMin": min((g.xMin for g in bb), default=0), "yMin": min((g.yMin for g in bb), default=0),
                "xMax": max((g.xMax for g in bb), default=0), "yMax": max((g.yMax for g in bb), default=0),
            }
            after = {
                "head": head_again,
                "hhea": {k: getattr(again["hhea"], k) for k in before["hhea"]},
                "maxp": {k: getattr(again["maxp"], k, None) for k in before["maxp"]},
            }
            differ = [f"{t}.{k}" for t in before for k in before[t] if before[t][k] != after[t][k]]
            tu = font.get("/ToUnicode")
            codes = len(re.findall(rb"<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>", tu.read_bytes())) if tu is not None else -1
            print(json.dumps({"font": str(font.get("/BaseFont")), "tables": sorted(tt.reader.keys()),
                              "outlined": outlined, "codes": codes, "figures": differ}))


if __name__ == "__main__":
    main()
