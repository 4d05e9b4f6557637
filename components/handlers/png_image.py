"""PNG in pure Python: decode 8-bit PNGs, encode RGB(A), the book's sepia filter, and a fingerprint image.

The book's workers used Jimp (Imagery) and PhantomJS (URL2PNG) from npm. These functions stand in for
them with the standard library only, so a Lambda function or an Amazon Linux instance needs no
package: the Imagery worker turns uploads sepia, the URL2PNG worker draws a fingerprint of the page.
Instance code runs on Amazon Linux 2023's Python 3.9: no newer syntax or library features here.
"""

import hashlib
import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
"""The eight bytes every PNG file starts with."""
MAX_PIXELS = 4_000_000
"""Largest image decoded (about 2000 x 2000): more would take minutes and hundreds of MB in pure Python."""
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
"""Samples per pixel by PNG colour type: grey, RGB, palette, grey+alpha, RGBA."""


class PngError(ValueError):
    """The bytes are not a PNG this module can read (the message says why)."""


@dataclass(frozen=True)
class Image:
    """Pixels as bytes, row after row, 3 (RGB) or 4 (RGBA) bytes per pixel."""

    width: int
    height: int
    channels: int
    pixels: bytes


def is_png(data: bytes) -> bool:
    """Whether `data` starts with the PNG signature."""
    return data[:8] == SIGNATURE


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not is_png(data):
        raise PngError("not a PNG file (the signature is missing)")
    chunks, offset = [], 8
    while offset + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length] or b"\0\0\0\0")
        if len(body) != length or zlib.crc32(kind + body) != crc:
            raise PngError(f"chunk {kind!r} is truncated or corrupt")
        chunks.append((kind, body))
        offset += 12 + length
        if kind == b"IEND":
            return chunks
    raise PngError("the file ends before its IEND chunk")


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
    return left if pa <= pb and pa <= pc else up if pb <= pc else corner


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> bytearray:
    """Undo the per-row filters (none, sub, up, average, Paeth) of 8-bit samples."""
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise PngError("the image data does not match its size")
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                row[i] = (row[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                corner = previous[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + _paeth(left, previous[i], corner)) & 0xFF
        elif kind != 0:
            raise PngError(f"unknown row filter {kind}")
        out[y * stride : (y + 1) * stride] = row
        previous = row
    return out


def decode(data: bytes) -> Image:
    """Decode a non-interlaced PNG with 8 bits per sample (grey, RGB, palette, with or without alpha) to RGB or RGBA."""
    chunks = _chunks(data)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise PngError("the IHDR chunk is missing")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise PngError(f"unsupported PNG: bit depth {depth}, colour type {colour}, interlace {interlace} (8-bit, not interlaced only)")
    if not 0 < width * height <= MAX_PIXELS:
        raise PngError(f"{width} x {height} pixels is more than the {MAX_PIXELS} this worker processes")
    try:
        raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    except zlib.error as error:
        raise PngError(f"the image data is corrupt ({error})") from None
    samples = _unfilter(raw, width, height, _CHANNELS[colour])
    if colour == 2 or colour == 6:
        return Image(width, height, _CHANNELS[colour], bytes(samples))
    if colour == 3:
        palette = next((body for kind, body in chunks if kind == b"PLTE"), b"")
        if not palette or max(samples, default=0) * 3 + 3 > len(palette):
            raise PngError("the palette is missing or too short")
        return Image(width, height, 3, b"".join(palette[i * 3 : i * 3 + 3] for i in samples))
    if colour == 0:
        return Image(width, height, 3, bytes(v for grey in samples for v in (grey, grey, grey)))
    grey_alpha = (samples[i : i + 2] for i in range(0, len(samples), 2))
    return Image(width, height, 4, bytes(v for grey, alpha in grey_alpha for v in (grey, grey, grey, alpha)))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode(image: Image) -> bytes:
    """An 8-bit RGB or RGBA PNG of `image` (no filter, zlib level 6)."""
    if image.channels not in (3, 4) or len(image.pixels) != image.width * image.height * image.channels:
        raise PngError("pixels do not match width x height x channels (3 or 4)")
    stride = image.width * image.channels
    rows = b"".join(b"\0" + image.pixels[y * stride : (y + 1) * stride] for y in range(image.height))
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2 if image.channels == 3 else 6, 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 6)) + _chunk(b"IEND", b"")


_SEPIA = ((0.393, 0.769, 0.189), (0.349, 0.686, 0.168), (0.272, 0.534, 0.131))
"""The classic sepia matrix (Jimp's `sepia()`, which the book's worker called)."""
_TABLES = [[[int(weight * value) for value in range(256)] for weight in row] for row in _SEPIA]


def sepia(image: Image) -> Image:
    """The image in sepia tones; alpha is kept."""
    (rr, rg, rb), (gr, gg, gb), (br, bg, bb) = _TABLES
    pixels, out, step = image.pixels, bytearray(image.pixels), image.channels
    for i in range(0, len(pixels), step):
        r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
        out[i] = min(255, rr[r] + rg[g] + rb[b])
        out[i + 1] = min(255, gr[r] + gg[g] + gb[b])
        out[i + 2] = min(255, br[r] + bg[g] + bb[b])
    return Image(image.width, image.height, image.channels, bytes(out))


def fingerprint(content: bytes, ok: bool, cell: int = 40) -> Image:
    """A 5 x 5 mirrored pattern coloured and shaped by the SHA-256 of `content`, under a green (ok) or red band.

    The same page always gives the same picture and a changed page a different one; it stands in for a
    screenshot, which needs a browser.
    """
    digest = hashlib.sha256(content).digest()
    colour = bytes((digest[0] // 2 + 40, digest[1] // 2 + 40, digest[2] // 2 + 40))
    band = bytes((46, 160, 67)) if ok else bytes((200, 40, 40))
    white = b"\xff\xff\xff"
    bits = int.from_bytes(digest[3:5], "big")
    filled = [[bool(bits >> (row * 3 + min(col, 4 - col)) & 1) for col in range(5)] for row in range(5)]
    size, band_height = 7 * cell, cell // 2
    rows = []
    for y in range(size + band_height):
        if y < band_height:
            rows.append(band * size)
            continue
        grid_y = (y - band_height) // cell - 1
        rows.append(
            b"".join(
                colour if 0 <= grid_y < 5 and 0 <= x // cell - 1 < 5 and filled[grid_y][x // cell - 1] else white for x in range(size)
            )
        )
    return Image(size, size + band_height, 3, b"".join(rows))
