#!/usr/bin/env bash
# Remakes the WebP test pictures from the PNGs beside this script. The JDK and TwelveMonkeys read WebP but
# write none, so the tests cannot make WebPs themselves; Debian's `webp` package (cwebp 1.2.4) made these.
#
# digit.png:       MNIST test digit #0 (a 7) drawn by io.digitflow.support.Pictures.darkOnLight(digit, 4),
#                  152x132 pixels; PictureFormatsTest checks that it still is, when MNIST data is at hand.
# digit-alpha.png: the same ink as black strokes on a transparent canvas (Pictures.inkOnTransparent).
# blank-N.png:     NxN white pixels, written below: a lossless WebP of it is a few hundred bytes that would
#                  decode to N^2 pixels (a decompression bomb). 4096^2 is over the WebP pixel limit (a quarter
#                  of the PNG/JPEG limit), 2048^2 within it.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
for side in (2048, 4096):
    rows = b"".join(b"\x00" + b"\xff" * side for _ in range(side))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
    open("blank-%d.png" % side, "wb").write(png)
PY
cwebp -quiet -lossless -exact digit.png -o digit-lossless.webp
cwebp -quiet -q 80 digit.png -o digit-lossy.webp
cwebp -quiet -lossless -exact digit-alpha.png -o digit-alpha.webp
for side in 2048 4096; do
  cwebp -quiet -lossless "blank-$side.png" -o "blank-$side.webp"
  rm "blank-$side.png"
done
