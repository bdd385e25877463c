#!/usr/bin/env python3
"""Writes the broken, hostile and enormous inputs of samples/broken/ (see README.md there).

    python3 samples/broken/make_broken.py          # (re)writes the PDFs next to this script
    python3 samples/broken/make_broken.py --check  # also checks sizes and that the output is unchanged

Deterministic and self-contained: only the Python standard library (zlib, hashlib); every PDF is
written byte by byte, including the RC4 encryption of wrong-password.pdf, so the files are the same
on every machine and need no network, pikepdf or reportlab. Every file is < 100 KB.
"""

import hashlib
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_BYTES = 100 * 1024


# --------------------------------------------------------------------------- PDF writing by hand


def pdf_bytes(objects, root=1, trailer_extra=b"", version=b"1.4"):
    """A PDF with a classic xref table. `objects` maps object number -> body bytes (without
    'N 0 obj' / 'endobj'); numbers must be 1..n."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    n = max(objects)
    offsets = {}
    for num in range(1, n + 1):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (n + 1)
    for num in range(1, n + 1):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\n" % (n + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data, extra=b"", compress=True):
    """A stream object body; Flate-compressed unless `compress` is false."""
    if compress:
        data = zlib.compress(data, 9)
        extra = b" /Filter /FlateDecode" + extra
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
RESOURCES = b"<< /Font << /F1 4 0 R >> >>"


def text_content(lines, size=11, top=760):
    """A content stream showing `lines` of Helvetica text."""
    ops = [b"BT", b"/F1 %d Tf" % size, b"%d TL" % (size + 4), b"56 %d Td" % top]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + esc.encode("cp1252") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


# Invented text (fictional name, Ofcom drama-range phone number, example.org e-mail).
PAGE1 = [
    "DECISION RECORD - Licensing Sub-Committee",
    "PART I",
    "Summary: the application for a premises licence was granted with conditions.",
    "Decision: approved. Reasons are set out in the report of the Licensing Officer.",
    "Contact: Jane Okafor, telephone 01632 960418, e-mail jane.okafor@example.org",
    "Signed: J. Okafor, Democratic Services Officer",
] + ["Paragraph %d of the decision notes: conditions on opening hours apply." % i for i in range(1, 25)]
PAGE2 = [
    "PART II - NOT FOR PUBLICATION",
    "The objector, Mr Tobias Wrenfield, of 14 Larchmere Road, Wellbridge WB3 7QT,",
    "telephone 07700 900123, asked that his details be withheld.",
] + ["Exempt paragraph %d: details of the objection are recorded here." % i for i in range(1, 25)]


def valid_pdf():
    """A valid two-page PDF with compressed content streams: the base of truncated.pdf and bitflip.pdf."""
    return pdf_bytes(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
            + RESOURCES
            + b" /Contents 5 0 R >>",
            4: FONT,
            5: stream(text_content(PAGE1)),
            6: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
            + RESOURCES
            + b" /Contents 7 0 R >>",
            7: stream(text_content(PAGE2)),
        }
    )


# --------------------------------------------------------------------------- the broken files


def truncated():
    """A valid PDF cut in half: no xref, no trailer, the second page's stream missing."""
    b = valid_pdf()
    return b[: len(b) // 2]


def bitflip():
    """The valid PDF with 20 bytes flipped at fixed offsets spread through the file (header, objects,
    compressed streams, xref and trailer all get hit)."""
    b = bytearray(valid_pdf())
    n = len(b)
    for i in range(20):
        off = 9 + (i * (n - 10)) // 20 + (i * 7) % 13
        b[off] ^= 1 << (i % 8) | 0x10
    return bytes(b)


def cyclic_pages():
    """A page tree whose second /Kids entry (a /Pages node) lists the root /Pages node again."""
    return pdf_bytes(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
            + RESOURCES
            + b" /Contents 5 0 R >>",
            4: FONT,
            5: stream(text_content(["Page one of a page tree that loops."])),
            6: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 7 0 R] /Count 2 >>",
            7: b"<< /Type /Pages /Parent 6 0 R /Kids [6 0 R] /Count 1 >>",
        }
    )


def cyclic_xobject():
    """A Form XObject whose content draws itself (/X1 Do inside X1), reached from the page."""
    form = text_content(["Text inside a form that draws itself."]) + b"q 1 0 0 1 0 -20 cm /X1 Do Q\n"
    return pdf_bytes(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
            b"<< /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>",
            4: FONT,
            5: stream(text_content(["Page text before the form."]) + b"q /X1 Do Q\n"),
            6: stream(
                form,
                b" /Type /XObject /Subtype /Form /BBox [0 0 612 792]"
                b" /Resources << /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >>",
            ),
        }
    )


def zeros_zlib(total):
    """A zlib stream of `total` zero bytes, built by repeating one compressed block (never holding the
    zeros in memory). Each block follows a full flush, so it needs no history and repeats verbatim."""
    chunk = 1 << 20
    assert total % chunk == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    c.compress(b"\0" * chunk)
    first = c.flush(zlib.Z_FULL_FLUSH)
    c.compress(b"\0" * chunk)
    block = c.flush(zlib.Z_FULL_FLUSH)
    assert block == first, "a block after a full flush repeats"
    end = c.flush(zlib.Z_FINISH)  # an empty final block
    adler = ((total % 65521) << 16) | 1  # Adler-32 of `total` zeros
    return b"\x78\xda" + block * (total // chunk) + end + adler.to_bytes(4, "big")


def bomb():
    """A page content stream of a few KB, /Filter [/FlateDecode /FlateDecode], that inflates first to
    ~4 MB and then to 4 GiB + 1 MiB of zeros."""
    inner = zeros_zlib((4 << 30) + (1 << 20))
    data = zlib.compress(inner, 9)
    return pdf_bytes(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
            + RESOURCES
            + b" /Contents 5 0 R >>",
            4: FONT,
            5: stream(data, b" /Filter [/FlateDecode /FlateDecode]", compress=False),
        }
    )


# RC4 standard security handler, revision 3 (128-bit), PDF 1.7 section 7.6.3.
PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def rc4_rounds(key, data):
    """Algorithms 3 and 5 (R3): RC4 with the key, then 19 more times with the key XOR i."""
    data = rc4(key, data)
    for i in range(1, 20):
        data = rc4(bytes(k ^ i for k in key), data)
    return data


def wrong_password():
    """The valid two-page PDF, encrypted (RC4 128-bit, R3) with user password "secret" and owner
    password "owner": nothing opens it with the empty password."""
    user, owner, n = b"secret", b"owner", 16
    perms = -3904  # print, copy, etc.: the usual flags
    file_id = hashlib.md5(b"foiredact broken sample").digest()
    pad = lambda pw: (pw + PAD)[:32]  # noqa: E731
    # Algorithm 3: /O
    k = hashlib.md5(pad(owner)).digest()
    for _ in range(50):
        k = hashlib.md5(k[:n]).digest()
    o = rc4_rounds(k[:n], pad(user))
    # Algorithm 2: the file key
    k = hashlib.md5(pad(user) + o + (perms & 0xFFFFFFFF).to_bytes(4, "little") + file_id).digest()
    for _ in range(50):
        k = hashlib.md5(k[:n]).digest()
    key = k[:n]
    # Algorithm 5: /U
    u = rc4_rounds(key, hashlib.md5(PAD + file_id).digest()) + b"\0" * 16

    def enc(num, data):
        okey = hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[: min(n + 5, 16)]
        return rc4(okey, data)

    def estream(num, content):
        data = enc(num, zlib.compress(content, 9))
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"

    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
        + RESOURCES
        + b" /Contents 5 0 R >>",
        4: FONT,
        5: estream(5, text_content(PAGE1)),
        6: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
        + RESOURCES
        + b" /Contents 7 0 R >>",
        7: estream(7, text_content(PAGE2)),
        8: b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>"
        % (perms, o.hex().encode(), u.hex().encode()),
    }
    ident = b"<" + file_id.hex().encode() + b">"
    return pdf_bytes(objects, trailer_extra=b" /Encrypt 8 0 R /ID [" + ident + b" " + ident + b"]")


def deep_nesting():
    """A page whose (Flate-compressed) content stream opens 100000 arrays before closing them, and
    whose page dictionary refers to an array nested 100000 deep, stored compressed in an object stream
    (so the file needs a cross-reference stream)."""
    depth = 100_000
    content = text_content(["Text before the nesting."]) + b"[" * depth + b"]" * depth + b" pop\n"
    objstm = b"6 0 " + b"[" * depth + b"]" * depth
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
        + RESOURCES
        + b" /Contents 5 0 R /Deep 6 0 R >>",
        4: FONT,
        5: stream(content),
        7: stream(objstm, b" /Type /ObjStm /N 1 /First 4"),
    }
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref_num = 8
    offsets[xref_num] = len(out)
    rows = bytearray()
    for num in range(xref_num + 1):
        if num == 0:
            rows += bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
        elif num == 6:  # compressed: object stream 7, index 0
            rows += bytes([2]) + (7).to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += bytes([1]) + offsets[num].to_bytes(4, "big") + (0).to_bytes(2, "big")
    out += b"%d 0 obj\n" % xref_num
    out += b"<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_num + 1,
        len(rows),
    )
    out += rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    return bytes(out)


def empty():
    return b""


def not_a_pdf():
    return (
        b"This is a plain text file that was given a .pdf name by mistake.\n"
        b"It has no %PDF header, no objects and no cross-reference table.\n"
    )


FILES = {
    "truncated.pdf": truncated,
    "bitflip.pdf": bitflip,
    "cyclic-pages.pdf": cyclic_pages,
    "cyclic-xobject.pdf": cyclic_xobject,
    "bomb.pdf": bomb,
    "wrong-password.pdf": wrong_password,
    "empty.pdf": empty,
    "not-a-pdf.pdf": not_a_pdf,
    "deep-nesting.pdf": deep_nesting,
}


def main():
    check = "--check" in sys.argv[1:]
    ok = True
    for name, make in FILES.items():
        data = make()
        path = os.path.join(HERE, name)
        if check and os.path.exists(path):
            with open(path, "rb") as f:
                if f.read() != data:
                    print(f"{name}: differs from a fresh build (not deterministic?)")
                    ok = False
        if len(data) >= MAX_BYTES:
            print(f"{name}: {len(data)} bytes, over the {MAX_BYTES} limit")
            ok = False
        with open(path, "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
