#!/usr/bin/env python3
"""Builds cmaps.bin (see README.md here) from Adobe's CMap files as Debian's poppler-data installs them.

    python3 src/pdf/fonts/data/make_cmaps.py [/usr/share/poppler/cMap]

Output: zlib-compressed; inside, "FOICMAP1" then the entries (LEB128 varints, strings as length + bytes):
  kind 0, a code -> CID CMap: name, usecmap name ("" if none; its mappings apply where this one's
          do not), WMode byte,
          codespace ranges (count; each: byte count, lo, hi),
          mappings in file order (count; each: byte count, lo less the previous mapping's hi + 1 (zigzag),
          hi - lo, CID less the CID after the previous mapping's last (zigzag));
  kind 1, a CID -> Unicode table (an Adobe-*-UCS2 file): name,
          runs (count; each: CID - end of the previous run, run length - 1, number of UTF-16 units, units
          each less the one before (zigzag; the first less the last unit of the previous run's last CID);
          a run longer than one maps consecutive CIDs to consecutive single units).
"""
import re
import struct
import sys
import zlib
from pathlib import Path

# ISO 32000-1 Table 118 (the predefined CMaps a reader must know), and what they use.
CMAPS = """GB-EUC-H GB-EUC-V GBpc-EUC-H GBpc-EUC-V GBK-EUC-H GBK-EUC-V GBKp-EUC-H GBKp-EUC-V GBK2K-H GBK2K-V
UniGB-UCS2-H UniGB-UCS2-V UniGB-UTF16-H UniGB-UTF16-V
B5pc-H B5pc-V HKscs-B5-H HKscs-B5-V ETen-B5-H ETen-B5-V ETenms-B5-H ETenms-B5-V CNS-EUC-H CNS-EUC-V
UniCNS-UCS2-H UniCNS-UCS2-V UniCNS-UTF16-H UniCNS-UTF16-V
83pv-RKSJ-H 90ms-RKSJ-H 90ms-RKSJ-V 90msp-RKSJ-H 90msp-RKSJ-V 90pv-RKSJ-H Add-RKSJ-H Add-RKSJ-V EUC-H EUC-V
Ext-RKSJ-H Ext-RKSJ-V H V UniJIS-UCS2-H UniJIS-UCS2-V UniJIS-UCS2-HW-H UniJIS-UCS2-HW-V UniJIS-UTF16-H UniJIS-UTF16-V
KSC-EUC-H KSC-EUC-V KSCms-UHC-H KSCms-UHC-V KSCms-UHC-HW-H KSCms-UHC-HW-V KSCpc-EUC-H
UniKS-UCS2-H UniKS-UCS2-V UniKS-UTF16-H UniKS-UTF16-V""".split()
TO_UNICODE = "Adobe-Japan1-UCS2 Adobe-GB1-UCS2 Adobe-CNS1-UCS2 Adobe-Korea1-UCS2 Adobe-KR-UCS2".split()


def varint(n):
    assert n >= 0
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return varint(n * 2 if n >= 0 else -n * 2 - 1)


def string(s):
    b = s.encode()
    return varint(len(b)) + b


def body(text):
    """The CMap text without comments (a % outside strings starts one; CMap files put none in strings)."""
    return "\n".join(line.split("%", 1)[0] for line in text.splitlines())


def blocks(text, name):
    return re.findall(r"begin%s(.*?)end%s" % (name, name), text, re.S)


HEX = r"<([0-9a-fA-F]+)>"


def parse_code_cmap(text):
    """(usecmap name or None, WMode, codespace ranges, mappings in file order)."""
    t = body(text)
    use = re.search(r"/(\S+)\s+usecmap", t)
    wmode = re.search(r"/WMode\s+(\d)", t)
    spaces = []
    for b in blocks(t, "codespacerange"):
        for lo, hi in re.findall(HEX + r"\s*" + HEX, b):
            assert len(lo) == len(hi)
            spaces.append((len(lo) // 2, int(lo, 16), int(hi, 16)))
    maps = []
    # Ranges and single codes, in the order the file gives them (a later one overrides).
    for m in re.finditer(r"begin(cidrange|cidchar|notdefrange|notdefchar)(.*?)end\1", t, re.S):
        kind, b = m.group(1), m.group(2)
        if kind.endswith("range"):
            for lo, hi, cid in re.findall(HEX + r"\s*" + HEX + r"\s*(\d+)", b):
                maps.append((len(lo) // 2, int(lo, 16), int(hi, 16), int(cid)))
        else:
            for lo, cid in re.findall(HEX + r"\s*(\d+)", b):
                maps.append((len(lo) // 2, int(lo, 16), int(lo, 16), int(cid)))
    return (use.group(1) if use else None), (int(wmode.group(1)) if wmode else 0), spaces, maps


def flat(maps):
    """{(bytes, code): CID}, later mappings overriding earlier ones."""
    m = {}
    for n, lo, hi, cid in maps:
        for k in range(lo, hi + 1):
            m[(n, k)] = cid + k - lo
    return m


def as_ranges(m):
    """A {(bytes, code): CID} as mappings, consecutive codes with consecutive CIDs joined."""
    out = []
    for (n, k), cid in sorted(m.items()):
        r = out[-1] if out else None
        if r and r[0] == n and r[2] + 1 == k and r[3] + (k - r[1]) == cid:
            r[2] = k
        else:
            out.append([n, k, k, cid])
    return [tuple(r) for r in out]


def encode_code_cmap(name, use, wmode, spaces, maps):
    out = bytearray([0]) + string(name) + string(use or "")
    out.append(wmode)
    out += varint(len(spaces))
    for n, lo, hi in spaces:
        out += bytes([n]) + varint(lo) + varint(hi)
    out += varint(len(maps))
    prev_lo, prev_cid = 0, 0
    for n, lo, hi, cid in maps:
        out += bytes([n]) + zigzag(lo - prev_lo) + varint(hi - lo) + zigzag(cid - prev_cid)
        prev_lo, prev_cid = hi + 1, cid + hi - lo + 1
    return bytes(out)


def code_cmap(name, files):
    """A CMap's entry. A Uni*-UCS2-H CMap is stored as its UTF-16 sibling (which maps the same
    two-byte codes to the same CIDs but for a few dozen) with the differences over it (CID 0 where the
    UCS-2 one maps nothing): the same lookups in a quarter of the space."""
    use, wmode, spaces, maps = parse_code_cmap(files[name].read_text("latin-1"))
    if use is None and name.endswith("-UCS2-H"):
        base = name.replace("-UCS2-H", "-UTF16-H")
        b_use, _, _, b_maps = parse_code_cmap(files[base].read_text("latin-1"))
        assert b_use is None
        a, b = flat(maps), {k: v for k, v in flat(b_maps).items() if k[0] == 2}
        diff = {k: v for k, v in a.items() if b.get(k) != v}
        diff.update({k: 0 for k in b if k not in a})
        return encode_code_cmap(name, base, wmode, spaces, as_ranges(diff))
    return encode_code_cmap(name, use, wmode, spaces, maps)


def unicode_table(name, text):
    t = body(text)
    entries = {}
    for b in blocks(t, "bfchar"):
        for src, dst in re.findall(HEX + r"\s*" + HEX, b):
            entries[int(src, 16)] = [int(dst[i : i + 4], 16) for i in range(0, len(dst), 4)]
    for b in blocks(t, "bfrange"):
        for lo, hi, dst in re.findall(HEX + r"\s*" + HEX + r"\s*" + HEX, b):
            units = [int(dst[i : i + 4], 16) for i in range(0, len(dst), 4)]
            for k in range(int(lo, 16), int(hi, 16) + 1):
                u = list(units)
                u[-1] += k - int(lo, 16)
                entries[k] = u
    runs = []
    for cid in sorted(entries):
        u = entries[cid]
        r = runs[-1] if runs else None
        if (
            r
            and len(u) == 1
            and len(r[2]) == 1
            and cid == r[0] + r[1]
            and u[0] == r[2][0] + r[1]
        ):
            r[1] += 1
        else:
            runs.append([cid, 1, u])
    out = bytearray([1]) + string(name) + varint(len(runs))
    end, prev = 0, 0
    for cid, n, u in runs:
        out += varint(cid - end) + varint(n - 1) + varint(len(u))
        for x in u:
            out += zigzag(x - prev)
            prev = x
        prev += n - 1
        end = cid + n
    return bytes(out), len(entries)


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/poppler/cMap")
    files = {p.name: p for p in root.glob("*/*")}
    data = bytearray(b"FOICMAP1")
    entries = []
    for n in CMAPS:
        entries.append(code_cmap(n, files))
    for n in TO_UNICODE:
        e, count = unicode_table(n, files[n].read_text("latin-1"))
        entries.append(e)
    data += varint(len(entries))
    for e in entries:
        data += e
    z = zlib.compress(bytes(data), 9)
    out = Path(__file__).with_name("cmaps.bin")
    out.write_bytes(z)
    print(f"{out}: {len(entries)} entries, {len(data)} bytes, {len(z)} compressed")


if __name__ == "__main__":
    main()
