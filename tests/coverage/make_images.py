#!/usr/bin/env python3
"""Makes the image test files of issue #20 (class 2) into OUTDIR: one page each, a 300 x 100 px scan
drawn at (72, 500)-(372, 600), under an invisible text layer (render mode 3, as an OCR sandwich) that
reads "Report by Quimby today" (an invented name), so that the redaction box lies over the image.
One file per image coding: CCITT G4, JBIG2 (generic region, MMR), JPEG 2000 (grey, RGB with a soft
mask), 16-bit grey, 4-bit Indexed, CMYK, [/ASCII85Decode /FlateDecode], Flate with a PNG predictor,
RGB with a soft mask and one with a stencil /Mask; and inline images (Flate, raw samples) and images
drawn by a Form XObject (CCITT, Flate). Needs Pillow (with libtiff and OpenJPEG) and pikepdf.

    python3 tests/coverage/make_images.py OUTDIR
"""
import base64
import io
import struct
import sys
import zlib

import pikepdf
from PIL import Image, ImageDraw

W, H = 300, 100


def scan(mode="L"):
    """A white page with black blobs where the words are (the name at columns 60-110)."""
    im = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(im)
    for x0, x1 in [(8, 40), (44, 56), (60, 110), (116, 150)]:
        d.rectangle([x0, 40, x1, 58], fill=0)
    return im.convert(mode)


def g4(im):
    """CCITT G4 data of a 1-bit image (one strip), as libtiff writes it."""
    buf = io.BytesIO()
    im.convert("1").save(buf, "TIFF", compression="group4", tiffinfo={278: H})
    t = Image.open(io.BytesIO(buf.getvalue()))
    off, n = t.tag_v2[273][0], t.tag_v2[279][0]
    return buf.getvalue()[off : off + n], t.tag_v2.get(262, 0)


def jbig2(im):
    """An embedded JBIG2 stream (ITU-T T.88): a page information segment and an immediate lossless
    generic region coded with MMR (which is CCITT G4 with 1 as black)."""
    data, photometric = g4(im)
    # libtiff codes with photometric 0 (white is zero) for mode "1" group4: black pixels are the
    # coded "black" runs, as JBIG2 wants them.
    def seg(number, kind, body):
        return struct.pack(">IBBBI", number, kind, 0, 1, len(body)) + body

    page = struct.pack(">IIIIBH", W, H, 0, 0, 0, 0)
    region = struct.pack(">IIIIB", W, H, 0, 0, 0) + bytes([1]) + data
    return seg(0, 48, page) + seg(1, 38, region)


def jpx(im):
    buf = io.BytesIO()
    im.save(buf, "JPEG2000", irreversible=False)
    return buf.getvalue()


def flate(raw):
    return zlib.compress(raw)


def png_predicted(raw, row_bytes):
    out = b""
    for r in range(H):
        out += b"\x00" + raw[r * row_bytes : (r + 1) * row_bytes]
    return zlib.compress(out)


def pack4(values):
    out = bytearray()
    for r in range(H):
        row = values[r * W : (r + 1) * W]
        for i in range(0, W, 2):
            a = row[i]
            b = row[i + 1] if i + 1 < W else 0
            out.append((a << 4) | b)
    return bytes(out)


def make(path, image_dict, data, extra=None, how="xobject"):
    """`how`: "xobject" (the page draws the image), "form" (a Form XObject with resources of its own
    draws it), "inline" (BI ... ID ... EI in the page's content, abbreviated keys)."""
    pdf = pikepdf.new()
    img = pikepdf.Stream(pdf, data)
    for k, v in image_dict.items():
        img["/" + k] = v
    img.Type = pikepdf.Name.XObject
    img.Subtype = pikepdf.Name.Image
    img.Width, img.Height = W, H
    if extra:
        extra(pdf, img)
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type1,
        BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding,
    )
    draw = b"q 300 0 0 100 72 500 cm /Im1 Do Q\n"
    xobjects = pikepdf.Dictionary(Im1=img)
    if how == "form":
        form = pikepdf.Stream(pdf, b"q 1 0 0 1 0 0 cm " + draw + b"Q\n")
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = [0, 0, 612, 792]
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=img))
        xobjects = pikepdf.Dictionary(Fm1=form)
        draw = b"/Fm1 Do\n"
    elif how == "inline":
        abbrev = {"Width": "/W", "Height": "/H", "BitsPerComponent": "/BPC", "ColorSpace": "/CS", "Filter": "/F"}
        short = {"/DeviceGray": "/G", "/DeviceRGB": "/RGB", "/FlateDecode": "/Fl"}
        keys = b" ".join(
            f"{abbrev[k]} {short.get(str(v), str(v))}".encode()
            for k, v in image_dict.items()
        )
        draw = b"q 300 0 0 100 72 500 cm BI /W %d /H %d %s ID\n" % (W, H, keys) + data + b"\nEI Q\n"
        xobjects = pikepdf.Dictionary()
    content = (
        draw + b"BT 3 Tr /F1 12 Tf 80 545 Td (Report by Quimby today) Tj ET\n"
        b"BT /F1 12 Tf 72 700 Td (Visible words stay) Tj ET\n"
    )
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 612, 792],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font), XObject=xobjects),
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def main(out):
    G = pikepdf.Name.DeviceGray
    gray = scan("L")
    data, photometric = g4(gray)
    # Photometric 0 (white is zero): black pixels coded as 1, so BlackIs1 true.
    make(
        f"{out}/ccitt-g4.pdf",
        dict(
            ColorSpace=G,
            BitsPerComponent=1,
            Filter=pikepdf.Name.CCITTFaxDecode,
            DecodeParms=pikepdf.Dictionary(K=-1, Columns=W, Rows=H, BlackIs1=photometric == 0),
        ),
        data,
    )
    make(
        f"{out}/jbig2-mmr.pdf",
        dict(ColorSpace=G, BitsPerComponent=1, Filter=pikepdf.Name.JBIG2Decode),
        jbig2(gray),
    )
    make(f"{out}/jpx-grey.pdf", dict(Filter=pikepdf.Name.JPXDecode), jpx(gray))

    def with_smask(pdf, img):
        m = pikepdf.Stream(pdf, flate(scan("L").tobytes()))
        m.Type, m.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        m.Width, m.Height, m.BitsPerComponent, m.ColorSpace = W, H, 8, G
        m.Filter = pikepdf.Name.FlateDecode
        img.SMask = m

    make(
        f"{out}/jpx-rgb-smask.pdf",
        dict(Filter=pikepdf.Name.JPXDecode),
        jpx(scan("RGB")),
        with_smask,
    )
    g16 = b"".join(struct.pack(">H", v * 257) for v in gray.tobytes())
    make(
        f"{out}/flate-16bit.pdf",
        dict(ColorSpace=G, BitsPerComponent=16, Filter=pikepdf.Name.FlateDecode),
        flate(g16),
    )
    idx = [15 if v > 128 else 0 for v in gray.tobytes()]
    palette = bytes(sum(([i * 17] * 3 for i in range(16)), []))
    make(
        f"{out}/indexed-4bit.pdf",
        dict(
            ColorSpace=[pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, 15, pikepdf.String(palette)],
            BitsPerComponent=4,
            Filter=pikepdf.Name.FlateDecode,
        ),
        flate(pack4(idx)),
    )
    cmyk = bytes(b for v in gray.tobytes() for b in (0, 0, 0, 255 - v))
    make(
        f"{out}/cmyk.pdf",
        dict(ColorSpace=pikepdf.Name.DeviceCMYK, BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode),
        flate(cmyk),
    )
    make(
        f"{out}/a85-flate.pdf",
        dict(
            ColorSpace=G,
            BitsPerComponent=8,
            Filter=[pikepdf.Name.ASCII85Decode, pikepdf.Name.FlateDecode],
        ),
        base64.a85encode(flate(gray.tobytes()), adobe=False) + b"~>",
    )
    make(
        f"{out}/flate-png-predictor.pdf",
        dict(
            ColorSpace=G,
            BitsPerComponent=8,
            Filter=pikepdf.Name.FlateDecode,
            DecodeParms=pikepdf.Dictionary(Predictor=15, Columns=W, Colors=1, BitsPerComponent=8),
        ),
        png_predicted(gray.tobytes(), W),
    )
    make(
        f"{out}/rgb-smask.pdf",
        dict(ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode),
        flate(scan("RGB").tobytes()),
        with_smask,
    )

    def with_stencil(pdf, img):
        m = pikepdf.Stream(pdf, flate(scan("1").tobytes()))
        m.Type, m.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        m.Width, m.Height, m.BitsPerComponent, m.ImageMask = W, H, 1, True
        m.Filter = pikepdf.Name.FlateDecode
        img.Mask = m

    make(
        f"{out}/rgb-stencil-mask.pdf",
        dict(ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode),
        flate(scan("RGB").tobytes()),
        with_stencil,
    )


def more(out):
    G = pikepdf.Name.DeviceGray
    gray = scan("L")
    make(
        f"{out}/inline-flate.pdf",
        dict(ColorSpace=G, BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode),
        flate(gray.tobytes()),
        how="inline",
    )
    make(
        f"{out}/inline-raw.pdf",
        dict(ColorSpace=G, BitsPerComponent=8),
        gray.tobytes(),
        how="inline",
    )
    data, photometric = g4(gray)
    make(
        f"{out}/form-ccitt.pdf",
        dict(
            ColorSpace=G,
            BitsPerComponent=1,
            Filter=pikepdf.Name.CCITTFaxDecode,
            DecodeParms=pikepdf.Dictionary(K=-1, Columns=W, Rows=H, BlackIs1=photometric == 0),
        ),
        data,
        how="form",
    )
    make(
        f"{out}/form-flate.pdf",
        dict(ColorSpace=G, BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode),
        flate(gray.tobytes()),
        how="form",
    )


if __name__ == "__main__":
    main(sys.argv[1])
    more(sys.argv[1])
