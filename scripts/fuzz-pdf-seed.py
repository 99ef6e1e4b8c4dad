"""Writes a small synthetic PDF seed for the `pdf` fuzz target.

The fixture PDFs are large (fonts embedded, pages of text), so the fuzzer
runs them slowly. This one page holds in a few kilobytes what the decoder
reads: a ruled table grid, a Type0 Identity-H font with a ToUnicode CMap, a
predefined-CMap CID font without one, TJ arrays with kerning, the text
state and line operators, a nested graphics state and a Form XObject.
Streams are left uncompressed so that mutations reach the operators.
"""

import sys

ROWS = [
    ("評価書番号", "50"),
    ("評価書名", "健康増進事業の実施に関する事務 全項目評価書"),
    ("評価実施機関名", "川崎市長"),
    ("リスク対策", "[ ○ ] 十分である [   ] 課題が残されている"),
]

chars = sorted({c for row in ROWS for cell in row for c in cell})
code = {c: i + 1 for i, c in enumerate(chars)}


def hexs(s):
    return "<" + "".join(f"{code[c]:04X}" for c in s) + ">"


tounicode = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CMapName /Adobe-Identity-UCS def", "1 begincodespacerange", "<0000> <FFFF>",
             "endcodespacerange", f"{len(chars)} beginbfchar"]
tounicode += [f"<{code[c]:04X}> <{ord(c):04X}>" for c in chars]
tounicode += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop",
              "end", "end"]

content = ["0.5 w", "q"]
top, left, mid, right, h = 800, 50, 200, 545, 30
for i in range(len(ROWS) + 1):
    y = top - i * h
    content.append(f"{left} {y} m {right} {y} l S")
bottom = top - len(ROWS) * h
for x in (left, mid, right):
    content.append(f"{x} {top} m {x} {bottom} l S")
content.append("Q")
for i, (label, value) in enumerate(ROWS):
    y = top - i * h - 20
    content.append(f"BT /F1 9 Tf 1 0 0 1 {left + 4} {y} Tm {hexs(label)} Tj ET")
    half = len(value) // 2
    content.append(
        f"BT /F1 9 Tf 12 TL {mid + 4} {y} Td [{hexs(value[:half])} -120 {hexs(value[half:])}] TJ ET")
content.append("q 1 0 0 1 0 -200 cm /X1 Do Q")
# UniJIS-UCS2-H codes are UCS-2: あいう.
content.append("BT /F2 10 Tf 50 400 Td (\\060\\102\\060\\104\\060\\106) Tj T* (ABC) ' ET")
content = "\n".join(content).encode()

form = f"BT /F1 8 Tf 50 500 Td {hexs('評価書番号')} Tj ET".encode()

objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
    b"/Resources << /Font << /F1 4 0 R /F2 8 0 R >> /XObject << /X1 9 0 R >> >> "
    b"/Contents 5 0 R >>",
    b"<< /Type /Font /Subtype /Type0 /BaseFont /IPAexMincho /Encoding /Identity-H "
    b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
    b"stream:" + content,
    b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /IPAexMincho "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
    b"/DW 1000 /W [1 [500 500] 10 20 1000] >>",
    b"stream:" + "\n".join(tounicode).encode(),
    b"<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiMin-W3-UniJIS-UCS2-H "
    b"/Encoding /UniJIS-UCS2-H /DescendantFonts [10 0 R] >>",
    b"formstream:" + form,
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiMin-W3 "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> /DW 1000 >>",
]

out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for n, body in enumerate(objs, 1):
    offsets.append(len(out))
    out += f"{n} 0 obj\n".encode()
    if body.startswith(b"stream:") or body.startswith(b"formstream:"):
        data = body.split(b":", 1)[1]
        extra = b" /Type /XObject /Subtype /Form /BBox [0 0 595 842]" \
            b" /Resources << /Font << /F1 4 0 R >> >>" if body.startswith(b"form") else b""
        out += b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"
    else:
        out += body
    out += b"\nendobj\n"
xref = len(out)
out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
for off in offsets:
    out += f"{off:010} 00000 n \n".encode()
out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
sys.stdout.buffer.write(bytes(out))
