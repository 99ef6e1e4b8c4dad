#!/usr/bin/env python3
"""Generates src/decode/pdf/data/adobe-japan1.bin: Adobe-Japan1 CID -> Unicode.

Sources, both Adobe CMap resources shipped by the Debian package poppler-data
under /usr/share/poppler/cMap/Adobe-Japan1/ (Copyright 1990-2018 Adobe Systems
Incorporated, BSD-3-Clause; see /usr/share/doc/poppler-data/copyright):

  Adobe-Japan1-UCS2  CID -> UCS-2 (bfchar/bfrange), the preferred value;
  UniJIS-UTF32-H     Unicode -> CID (cidchar/cidrange); inverted, it fills the
                     CIDs the first file leaves out (supplementary-plane
                     ideographs), taking the smallest scalar for each CID.

(poppler's cidToUnicode/Adobe-Japan1 holds the same kind of table, but it is
GPL-2 licensed, so it is not used.)

Output format (all big-endian):
  magic  b"AJ1\\x01"
  count  u32: number of CIDs (highest CID + 1)
  count  x 3 bytes: the Unicode scalar of each CID (0 = none)
then UniJIS-UTF32-H itself (Unicode -> CID, used for glyph widths of fonts
with predefined Unicode CMaps), as ranges sorted by their first scalar:
  magic  b"U2C\\x01"
  count  u32: number of ranges
  count  x (first scalar: 3 bytes, length: u16, first CID: u16)

Run from the repository root:
  python3 scripts/gen-adobe-japan1.py [cmap-dir] [output]
The build never needs poppler-data; only this generator does.
"""
import re
import sys

cmap_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/poppler/cMap/Adobe-Japan1"
dst = sys.argv[2] if len(sys.argv) > 2 else "src/decode/pdf/data/adobe-japan1.bin"

TOKEN = re.compile(rb"<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/<>\[\]()]*|[^\s<>\[\]/()%]+|%[^\n]*")


def tokens(path):
    with open(path, "rb") as f:
        data = f.read()
    for m in TOKEN.finditer(data):
        t = m.group(0)
        if not t.startswith(b"%"):
            yield t


def hexval(t):
    return bytes.fromhex(t[1:-1].decode().replace(" ", "").replace("\n", ""))


def utf16(b):
    s = b.decode("utf-16-be", errors="replace")
    return s


def sections(path):
    """Yields (kind, operands) for each mapping entry of a CMap file."""
    toks = list(tokens(path))
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in (b"beginbfchar", b"begincidchar"):
            kind = t[5:]
            i += 1
            while toks[i] not in (b"endbfchar", b"endcidchar"):
                yield kind, (toks[i], toks[i + 1])
                i += 2
        elif t in (b"beginbfrange", b"begincidrange"):
            kind = t[5:]
            i += 1
            while toks[i] not in (b"endbfrange", b"endcidrange"):
                if toks[i + 2] == b"[":
                    j = i + 3
                    arr = []
                    while toks[j] != b"]":
                        arr.append(toks[j])
                        j += 1
                    yield kind, (toks[i], toks[i + 1], arr)
                    i = j + 1
                else:
                    yield kind, (toks[i], toks[i + 1], toks[i + 2])
                    i += 3
        i += 1


cid_to_uni = {}
for kind, ops in sections(f"{cmap_dir}/Adobe-Japan1-UCS2"):
    if kind == b"bfchar":
        cid = int.from_bytes(hexval(ops[0]), "big")
        s = utf16(hexval(ops[1]))
        if len(s) == 1:
            cid_to_uni[cid] = ord(s)
    elif kind == b"bfrange":
        lo = int.from_bytes(hexval(ops[0]), "big")
        hi = int.from_bytes(hexval(ops[1]), "big")
        if isinstance(ops[2], list):
            for k, t in enumerate(ops[2]):
                s = utf16(hexval(t))
                if len(s) == 1:
                    cid_to_uni[lo + k] = ord(s)
        else:
            base = hexval(ops[2])
            units = list(int.from_bytes(base[k:k + 2], "big") for k in range(0, len(base), 2))
            for k in range(hi - lo + 1):
                u = units[:-1] + [units[-1] + k]
                s = utf16(b"".join(x.to_bytes(2, "big") for x in u))
                if len(s) == 1:
                    cid_to_uni[lo + k] = ord(s)

from_utf32 = {}
uni_to_cid = {}
for kind, ops in sections(f"{cmap_dir}/UniJIS-UTF32-H"):
    if kind == b"cidchar":
        u = int.from_bytes(hexval(ops[0]), "big")
        pairs = [(u, int(ops[1]))]
    elif kind == b"cidrange" and not isinstance(ops[2], list):
        lo = int.from_bytes(hexval(ops[0]), "big")
        hi = int.from_bytes(hexval(ops[1]), "big")
        pairs = [(lo + k, int(ops[2]) + k) for k in range(hi - lo + 1)]
    else:
        continue
    for u, cid in pairs:
        uni_to_cid[u] = cid
        if cid not in from_utf32 or u < from_utf32[cid]:
            from_utf32[cid] = u

filled = 0
for cid, u in from_utf32.items():
    if cid not in cid_to_uni:
        cid_to_uni[cid] = u
        filled += 1

# CID 0 is .notdef.
cid_to_uni.pop(0, None)
count = max(cid_to_uni) + 1
out = bytearray(b"AJ1\x01")
out += count.to_bytes(4, "big")
for cid in range(count):
    v = cid_to_uni.get(cid, 0)
    if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF or v == 0xFFFD:
        v = 0
    out += v.to_bytes(3, "big")
ranges = []
for u in sorted(uni_to_cid):
    cid = uni_to_cid[u]
    if ranges and ranges[-1][0] + ranges[-1][1] == u and ranges[-1][2] + ranges[-1][1] == cid and ranges[-1][1] < 0xFFFF:
        ranges[-1][1] += 1
    else:
        ranges.append([u, 1, cid])
out += b"U2C\x01"
out += len(ranges).to_bytes(4, "big")
for u, n, cid in ranges:
    out += u.to_bytes(3, "big") + n.to_bytes(2, "big") + cid.to_bytes(2, "big")
with open(dst, "wb") as f:
    f.write(out)
print(f"{dst}: {len(ranges)} Unicode->CID ranges, {count} CIDs, {len(cid_to_uni)} mapped ({filled} from UniJIS-UTF32-H), {len(out)} bytes")
