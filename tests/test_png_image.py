"""The pure-Python PNG code the book's workers use: decoding every 8-bit layout and filter, sepia, fingerprints."""

import ast
import struct
import zlib

import pytest

from components.handlers import png_image as png
from components.lambda_function import HANDLERS_DIR


def rgb(width: int, height: int) -> png.Image:
    """A gradient with every channel different, so filter and channel mistakes show."""
    pixels = bytes(v for y in range(height) for x in range(width) for v in (x * 40 % 256, y * 60 % 256, (x * y * 7 + 13) % 256))
    return png.Image(width, height, 3, pixels)


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def filtered(rows: list[bytes], bpp: int, kind: int) -> bytes:
    """Rows encoded with one PNG filter (the reverse of what the decoder undoes), written out independently."""
    out, previous = b"", bytes(len(rows[0]))
    for row in rows:
        encoded = bytearray()
        for i, value in enumerate(row):
            left = row[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                predictor = left
            elif kind == 2:
                predictor = up
            elif kind == 3:
                predictor = (left + up) // 2
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            else:
                predictor = 0
            encoded.append((value - predictor) % 256)
        out += bytes([kind]) + bytes(encoded)
        previous = row
    return out


def png_file(width: int, height: int, colour: int, rows: list[bytes], bpp: int, kind: int, extra: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    data = zlib.compress(filtered(rows, bpp, kind))
    return png.SIGNATURE + chunk(b"IHDR", header) + extra + chunk(b"IDAT", data[:7]) + chunk(b"IDAT", data[7:]) + chunk(b"IEND", b"")


def test_encode_then_decode_gives_the_same_pixels() -> None:
    image = rgb(7, 5)
    assert png.decode(png.encode(image)) == image
    rgba = png.Image(2, 1, 4, bytes([1, 2, 3, 4, 5, 6, 7, 8]))
    assert png.decode(png.encode(rgba)) == rgba


@pytest.mark.parametrize("kind", [0, 1, 2, 3, 4], ids=["none", "sub", "up", "average", "paeth"])
def test_every_row_filter_is_undone(kind: int) -> None:
    image = rgb(6, 4)
    rows = [image.pixels[y * 18 : (y + 1) * 18] for y in range(4)]
    assert png.decode(png_file(6, 4, 2, rows, 3, kind)) == image


def test_grey_palette_and_grey_alpha_become_rgb_or_rgba() -> None:
    assert png.decode(png_file(2, 1, 0, [bytes([0, 200])], 1, 1)).pixels == bytes([0, 0, 0, 200, 200, 200])
    palette = chunk(b"PLTE", bytes([10, 20, 30, 40, 50, 60]))
    assert png.decode(png_file(2, 1, 3, [bytes([1, 0])], 1, 2, palette)).pixels == bytes([40, 50, 60, 10, 20, 30])
    grey_alpha = png.decode(png_file(1, 1, 4, [bytes([9, 128])], 2, 4))
    assert (grey_alpha.channels, grey_alpha.pixels) == (4, bytes([9, 9, 9, 128]))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a...", "not a PNG"),
        (png.encode(rgb(2, 2))[:-6], "ends before its IEND"),
        (bytes(byte ^ 0xFF if i == 40 else byte for i, byte in enumerate(png.encode(rgb(2, 2)))), "truncated or corrupt"),
        (png.SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 16, 2, 0, 0, 0)) + chunk(b"IEND", b""), "bit depth 16"),
        (png.SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 3000, 3000, 8, 2, 0, 0, 0)) + chunk(b"IEND", b""), "more than"),
        (png.SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", b"junk") + chunk(b"IEND", b""),
         "corrupt"),
        (png_file(2, 1, 3, [bytes([5, 0])], 1, 0, chunk(b"PLTE", bytes(3))), "palette"),
    ],
    ids=["not-png", "truncated", "bad-crc", "16-bit", "too-large", "bad-zlib", "short-palette"],
)
def test_unreadable_files_raise_png_error_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(png.PngError, match=message):
        png.decode(data)


def test_sepia_applies_the_classic_matrix_and_keeps_alpha() -> None:
    image = png.Image(2, 1, 4, bytes([100, 150, 200, 77, 255, 255, 255, 9]))
    result = png.sepia(image)
    expected_first = (int(0.393 * 100) + int(0.769 * 150) + int(0.189 * 200), int(0.349 * 100) + int(0.686 * 150) + int(0.168 * 200),
                      int(0.272 * 100) + int(0.534 * 150) + int(0.131 * 200))
    assert tuple(result.pixels[:3]) == expected_first
    assert result.pixels[3] == 77 and result.pixels[7] == 9
    assert tuple(result.pixels[4:7]) == (255, 255, 238)  # red and green saturate at 255


def test_fingerprint_is_deterministic_and_tells_pages_and_failures_apart() -> None:
    page = png.fingerprint(b"<html>hello</html>", ok=True)
    assert page == png.fingerprint(b"<html>hello</html>", ok=True)
    assert page != png.fingerprint(b"<html>hello!</html>", ok=True)
    failed = png.fingerprint(b"<html>hello</html>", ok=False)
    assert failed.pixels[:3] == bytes((200, 40, 40)) and page.pixels[:3] == bytes((46, 160, 67))
    assert png.decode(png.encode(page)) == page


@pytest.mark.parametrize("module", ["png_image", "imagery", "imagery_web", "server_boot"])
def test_instance_code_runs_on_the_python_of_amazon_linux_2023(module: str) -> None:
    """AL2023's python3 is 3.9: no newer syntax, and no zip(strict=...), which 3.10 added."""
    source = (HANDLERS_DIR / f"{module}.py").read_text()
    tree = ast.parse(source, feature_version=(3, 9))
    newer = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "zip" and any(k.arg == "strict" for k in node.keywords)]
    assert newer == []
