#!/usr/bin/env python3
"""An independent PNG decoder for the tests: `python3 png_decode.py FILE` prints JSON with the
width, height and the RGB pixels (row by row) of an 8-bit RGB or greyscale, non-interlaced PNG.
Plain Python (zlib, struct); it checks every chunk's CRC and undoes all five row filters."""
import json
import struct
import sys
import zlib


def decode(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        crc = struct.unpack(">I", data[position + 8 + length:position + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        position += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (0, 2) and interlace == 0, "unsupported PNG"
    channels = 3 if color == 2 else 1
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    pixels = []
    for line in rows:
        for x in range(width):
            pixel = line[x * channels:(x + 1) * channels]
            pixels.append(list(pixel) * (3 if channels == 1 else 1))
    return {"width": width, "height": height, "pixels": pixels}


if __name__ == "__main__":
    print(json.dumps(decode(open(sys.argv[1], "rb").read())))
