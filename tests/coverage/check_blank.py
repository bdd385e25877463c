#!/usr/bin/env python3
"""Independent proof that the pixels under a redaction box are blank in a foiredact output made from
tests/coverage/make_images.py: reads the page's image (and its /SMask or /Mask) with qpdf's decoders
(through pikepdf, not foiredact's), and checks every sample under the box (less a 2-pixel rim) is 0.
The image is drawn at (72, 500)-(372, 600), one pixel per point. Exit 0 when blank, 1 when not, 2 when
the image is not in a coding qpdf decodes (JPEG is the only one foiredact writes that it does not).
With INPUT (and mutool installed), also 3 when the output page, rendered, differs from the input's
outside the box: the image kept its look (colours, polarity of a bi-level scan) everywhere else.

    python3 tests/coverage/check_blank.py OUT.pdf X0 Y0 X1 Y1 [INPUT.pdf]
"""
import shutil
import subprocess
import sys
import tempfile

import pikepdf


def samples_blank(img, x0, y0, x1, y1):
    w, h = int(img.Width), int(img.Height)
    bpc = int(img.get("/BitsPerComponent", 1 if img.get("/ImageMask") else 8))
    cs = img.get("/ColorSpace")
    comps = 1
    if cs == pikepdf.Name.DeviceRGB:
        comps = 3
    elif cs == pikepdf.Name.DeviceCMYK:
        comps = 4
    elif isinstance(cs, pikepdf.Array) and cs[0] == pikepdf.Name.ICCBased:
        comps = int(cs[1].N)
    data = img.read_bytes()
    stride = (w * comps * bpc + 7) // 8
    assert len(data) >= stride * h, "image data too short"
    c0, c1 = int(x0 - 72) + 2, int(x1 - 72) - 2
    r0, r1 = int(600 - y1) + 2, int(600 - y0) - 2
    for r in range(max(r0, 0), min(r1, h)):
        line = data[r * stride : (r + 1) * stride]
        for k in range(max(c0, 0) * comps, min(c1, w) * comps):
            bit = k * bpc
            v = int.from_bytes(line[bit // 8 : (bit + bpc + 7) // 8], "big") if bpc >= 8 else (
                line[bit // 8] >> (8 - bpc - bit % 8)
            ) & ((1 << bpc) - 1)
            if v != 0:
                return False
    return True


def render(path, out):
    subprocess.run(
        ["mutool", "draw", "-q", "-r", "72", "-c", "gray", "-o", out, path, "1"],
        check=True,
        capture_output=True,
    )
    from PIL import Image

    return Image.open(out).convert("L")


def same_outside(a, b, x0, y0, x1, y1):
    with tempfile.TemporaryDirectory() as d:
        ra, rb = render(a, f"{d}/a.png"), render(b, f"{d}/b.png")
    for y in range(192, 292):
        for x in range(72, 372):
            py = 792 - y
            if x0 - 3 <= x <= x1 + 3 and y0 - 3 <= py <= y1 + 3:
                continue
            if abs(ra.getpixel((x, y)) - rb.getpixel((x, y))) > 40:
                return False
    return True


def main():
    path, x0, y0, x1, y1 = sys.argv[1], *map(float, sys.argv[2:6])
    pdf = pikepdf.open(path)
    scratch = pikepdf.new()
    images = []

    def look(holder):
        """Images drawn by a page or form: XObjects (and those of forms it draws), inline images."""
        xobjects = holder.get("/Resources", {}).get("/XObject", {})
        for v in xobjects.values():
            if v.get("/Subtype") == pikepdf.Name.Image:
                images.append(v)
            elif v.get("/Subtype") == pikepdf.Name.Form:
                look(v)
        for operands, op in pikepdf.parse_content_stream(holder):
            if str(op) == "INLINE IMAGE":
                ii = operands[0]
                st = pikepdf.Stream(scratch, ii._data._inline_image_raw_bytes())
                for k, v in ii.obj.items():
                    st[k] = v
                images.append(st)

    look(pdf.pages[0].obj)
    assert images, "no image"
    for img in images:
        if img.get("/Filter") == pikepdf.Name.DCTDecode:
            sys.exit(2)
        todo = [img] + [img[k] for k in ("/SMask", "/Mask") if isinstance(img.get(k), pikepdf.Stream)]
        for im in todo:
            if not samples_blank(im, x0, y0, x1, y1):
                print("pixels under the box are not blank")
                sys.exit(1)
    if len(sys.argv) > 6 and shutil.which("mutool"):
        if not same_outside(sys.argv[6], path, x0, y0, x1, y1):
            print("the page looks different outside the box")
            sys.exit(3)
    sys.exit(0)


if __name__ == "__main__":
    main()
