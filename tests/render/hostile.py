"""A corpus of hostile and odd input files, made on the fly (nothing stored in the repository).

`corpus(folder)` writes every case and returns them; each says what must happen to it:
`refuse` (a 4xx problem at upload, `printline render: <reason>` with exit 1), `render` (accepted
and printed) or `either` (refused with a reason or printed, never a crash). Header bombs carry no
pixel data: the limits must refuse them from the header.

`python -m tests.render.hostile --peaks [PRODUCT]` writes large legitimate and bad files to
/tmp/printline-peaks and prints the peak RSS of a `printline render` subprocess for each one.
"""

from __future__ import annotations

import io
import os
import random
import struct
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyvips

from tests import imagegen


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    content_type: str
    expect: str  # "refuse", "render" or "either"
    code: str | None = None  # the problem code a refusal must have, when it is certain


def _noisy(width: int, height: int) -> pyvips.Image:
    noise = pyvips.Image.gaussnoise(width, height, sigma=25)
    return (imagegen.gradient_rgb(width, height) + noise.bandjoin([noise, noise])).cast("uchar").copy(
        interpretation="srgb")


def _jpeg(width: int = 240, height: int = 160, **kw) -> bytes:
    return _noisy(width, height).jpegsave_buffer(Q=85, **kw)


def _png(image: pyvips.Image | None = None, **kw) -> bytes:
    return (image or _noisy(240, 160)).pngsave_buffer(**kw)


def _chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))


def _png_header_only(width: int, height: int, depth: int = 8, colour: int = 2, interlace: int = 0) -> bytes:
    """A well-formed PNG whose IHDR claims the size, with a few bytes of IDAT: a bomb by header."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _chunk(b"IEND", b""))


def _png_with_chunk(ctype: bytes, data: bytes) -> bytes:
    png = _png()
    return png[:33] + _chunk(ctype, data) + png[33:]  # after the signature and IHDR


def _jpeg_resized_header(data: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header claiming another size (no more entropy data)."""
    for sof in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(sof)
        if at > 0:
            return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9:]
    raise AssertionError("no SOF marker")


def _tiff(width: int, height: int, data: bytes) -> bytes:
    """A minimal little-endian 8-bit grey TIFF, IFD first then one strip (so a cut file loses pixels,
    not the IFD)."""
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 0), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, len(data))]
    offset = 8 + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = offset if tag == 273 else value
        ifd += struct.pack("<HHI", tag, kind, count) + (struct.pack("<HH", value, 0) if kind == 3
                                                        else struct.pack("<I", value))
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + data


def _tiff_of(image: pyvips.Image, **kw) -> bytes:
    return image.tiffsave_buffer(**kw)


def _bands(count: int, fmt: str = "uchar", interpretation: str = "multiband") -> pyvips.Image:
    base = (pyvips.Image.black(32, 24, bands=count) + list(range(10, 10 + 3 * count, 3))).cast(fmt)
    return base.copy(interpretation=interpretation)


def _oriented(image: pyvips.Image, orientation: int) -> pyvips.Image:
    image = image.copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    return image


def _pages(count: int, colours: list[tuple[int, int, int]] | None = None, size: int = 24) -> pyvips.Image:
    colours = colours or [((37 * i) % 256, (91 * i) % 256, (53 * i) % 256) for i in range(count)]
    tiles = [(pyvips.Image.black(size, size, bands=3) + list(c)).cast("uchar") for c in colours[:count]]
    stack = pyvips.Image.arrayjoin(tiles, across=1).copy(interpretation="srgb")
    stack.set_type(pyvips.GValue.gint_type, "page-height", size)
    return stack


def _svg(body: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="200" height="100">{body}</svg>\n').encode()


def _zip(payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", payload)
    return buffer.getvalue()


def _heic() -> bytes:
    import pillow_heif
    from PIL import Image

    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (200, 30, 30))).save(buffer, format="HEIF", quality=90)
    return buffer.getvalue()


def _vips_native() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.v"
        _noisy(16, 16).write_to_file(str(path))
        return path.read_bytes()


def _builders() -> list[tuple[str, str, str, str, str | None, Callable[[], bytes]]]:
    """(name, file name, content type, expectation, code, bytes) for every case."""
    rng = random.Random(11)
    jpeg, png = _jpeg(), _png()
    prog = _jpeg(interlace=True)
    interlaced = _png(interlace=True)
    tif, webp, gif = _tiff_of(_noisy(240, 160)), _noisy(240, 160).webpsave_buffer(Q=80), _noisy(240, 160).gifsave_buffer()
    iend = _chunk(b"IEND", b"")
    half = lambda data: data[: len(data) // 2]
    return [
        # bombs by header: no pixel data behind them
        ("png-header-100k", "bomb.png", "image/png", "refuse", "too-many-pixels",
         lambda: _png_header_only(100_000, 100_000)),
        ("jpeg-header-65k", "bomb.jpg", "image/jpeg", "refuse", "too-many-pixels",
         lambda: _jpeg_resized_header(jpeg, 65_500, 65_500)),
        ("jpeg-progressive-header-81mp", "bomb-prog.jpg", "image/jpeg", "refuse", "decode-too-large",
         lambda: _jpeg_resized_header(prog, 9000, 9000)),
        ("png-header-16bit-rgba-81mp", "bomb16.png", "image/png", "refuse", "decode-too-large",
         lambda: _png_header_only(9000, 9000, depth=16, colour=6)),
        ("png-header-interlaced-64mp", "bomb-adam7.png", "image/png", "refuse", "decode-too-large",
         lambda: _png_header_only(8000, 8000, interlace=1)),
        ("gif-header-65k", "bomb.gif", "image/gif", "either", None,
         lambda: gif[:6] + struct.pack("<HH", 65535, 65535) + gif[10:]),
        ("tiff-header-100k", "bomb.tif", "image/tiff", "refuse", "too-many-pixels",
         lambda: _tiff(100_000, 100_000, b"\0" * 256)),
        ("tiff-header-cmyk16-orientation6", "bomb-cmyk16-o6.tif", "image/tiff", "refuse", "decode-too-large",
         lambda: _tiff_cmyk16_o6_header(6000, 5000)),
        # bombs by decode: small files, big images
        ("png-zeros-1bit-400mp", "zeros.png", "image/png", "refuse", "too-many-pixels",
         lambda: _png_zeros_1bit(20_000, 20_000)),
        # truncations
        ("jpeg-half", "cut.jpg", "image/jpeg", "refuse", "truncated", lambda: half(jpeg)),
        ("jpeg-half-plus-eoi", "cut-eoi.jpg", "image/jpeg", "refuse", "truncated",
         lambda: half(_jpeg(600, 400)) + b"\xff\xd9"),
        ("jpeg-progressive-half-plus-eoi", "cut-prog.jpg", "image/jpeg", "refuse", "truncated",
         lambda: half(prog) + b"\xff\xd9"),
        ("jpeg-header-only", "head.jpg", "image/jpeg", "refuse", None, lambda: jpeg[: jpeg.find(b"\xff\xda")]),
        ("png-half", "cut.png", "image/png", "refuse", None, lambda: half(png)),
        ("png-half-plus-iend", "cut-iend.png", "image/png", "refuse", "truncated", lambda: half(png) + iend),
        ("png-interlaced-half-plus-iend", "cut-adam7.png", "image/png", "refuse", "truncated",
         lambda: half(interlaced) + iend),
        ("tiff-missing-strip", "cut-strip.tif", "image/tiff", "refuse", None,
         lambda: _tiff(240, 160, bytes(rng.randrange(256) for _ in range(240 * 160)))[: 8 + 200 + 4000]),
        ("tiff-half", "cut.tif", "image/tiff", "refuse", None, lambda: half(tif)),
        ("webp-half", "cut.webp", "image/webp", "refuse", None, lambda: half(webp)),
        ("gif-half", "cut.gif", "image/gif", "either", None, lambda: half(gif)),
        # valid files with bytes after the end (must print)
        ("jpeg-motion-photo", "MVIMG_0001.jpg", "image/jpeg", "render", None,
         lambda: jpeg + b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(20_000)),
        ("jpeg-trailing-garbage", "trail.jpg", "image/jpeg", "render", None, lambda: jpeg + os.urandom(3000)),
        ("png-trailing-garbage", "trail.png", "image/png", "render", None, lambda: png + os.urandom(3000)),
        ("jpeg-zip-polyglot", "poly.jpg", "image/jpeg", "render", None, lambda: jpeg + _zip(b"hello" * 100)),
        # huge metadata
        ("png-xmp-4mb", "xmp.png", "image/png", "either", None,
         lambda: _png_with_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + b"<x>" + b"a" * (4 << 20) + b"</x>")),
        ("png-iccp-junk-2mb", "icc.png", "image/png", "either", None,
         lambda: _png_with_chunk(b"iCCP", b"junk\0\0" + zlib.compress(os.urandom(2 << 20)))),
        ("jpeg-60-app1-segments", "app1.jpg", "image/jpeg", "either", None,
         lambda: jpeg[:2] + (b"\xff\xe1\xff\xff" + b"Exif\0\0" + b"\0" * 65527) * 60 + jpeg[2:]),
        ("tiff-xmp-3mb", "xmp.tif", "image/tiff", "either", None, lambda: _tiff_xmp(3 << 20)),
        # bands and sample formats
        ("tiff-2-band-grey-alpha", "ga.tif", "image/tiff", "render", None,
         lambda: _tiff_of(_bands(2, interpretation="b-w"))),
        ("tiff-5-band-cmyk-alpha", "cmyka.tif", "image/tiff", "render", None,
         lambda: _tiff_of(_bands(5, interpretation="cmyk"))),
        ("tiff-6-band", "six.tif", "image/tiff", "refuse", "unsupported-bands", lambda: _tiff_of(_bands(6))),
        ("tiff-64-band-float", "64.tif", "image/tiff", "refuse", "unsupported-sample-format",
         lambda: _tiff_of(_bands(64, "float"))),
        ("tiff-float-rgb", "float.tif", "image/tiff", "refuse", "unsupported-sample-format",
         lambda: _tiff_of(_bands(3, "float", "scrgb"))),
        ("tiff-double-grey", "double.tif", "image/tiff", "refuse", None,
         lambda: _tiff_of(_bands(1, "double", "b-w"))),
        ("tiff-complex", "complex.tif", "image/tiff", "refuse", None, lambda: _tiff_of(_bands(2, "complex"))),
        ("tiff-int32-grey", "int.tif", "image/tiff", "refuse", "unsupported-sample-format",
         lambda: _tiff_of(_bands(1, "int", "b-w"))),
        ("tiff-cmyk16-orientation6", "cmyk16-o6.tif", "image/tiff", "render", None,
         lambda: _tiff_of(_oriented(_bands(4, "ushort", "cmyk") * 200, 6).cast("ushort"))),
        ("png-16-bit-grey-alpha", "ga16.png", "image/png", "render", None,
         lambda: _png(_bands(2, "ushort", "grey16") * 300, bitdepth=16)),
        # polyglots and things that are not photos
        ("gif-javascript-polyglot", "poly.gif", "image/gif", "either", None,
         lambda: b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain);//" + b"\x3b"),
        ("svg-xxe", "xxe.svg", "image/svg+xml", "refuse", "unsupported-format",
         lambda: _svg('<text x="10" y="50">&xxe;</text>')),
        ("svg-file-reference", "ref.svg", "image/svg+xml", "refuse", "unsupported-format",
         lambda: _svg('<image href="file:///etc/passwd" xlink:href="file:///etc/hostname" width="9" height="9"/>')),
        ("svg-named-jpg", "photo.jpg", "image/jpeg", "refuse", "unsupported-format",
         lambda: _svg('<rect width="200" height="100" fill="red"/>')),
        ("pdf-named-jpg", "photo.jpg", "image/jpeg", "refuse", "unsupported-format",
         lambda: b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
        ("html-named-png", "photo.png", "image/png", "refuse", "unsupported-format",
         lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("vips-native-format", "x.v", "application/octet-stream", "refuse", "unsupported-format", _vips_native),
        ("matrix-text", "m.mat", "application/octet-stream", "refuse", "not-an-image",
         lambda: b"2 2\n1 2\n3 4\n"),
        ("csv-text", "m.csv", "application/octet-stream", "refuse", "not-an-image", lambda: b"1,2,3\n4,5,6\n"),
        ("mp4-video", "clip.jpg", "image/jpeg", "refuse", "unsupported-format",
         lambda: b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(2000)),
        ("heic-hevc", "IMG_0001.heic", "image/heic", "render", None, _heic),  # pillow-heif decodes it
        # frames and pages
        ("gif-animated", "anim.gif", "image/gif", "render", None, lambda: _pages(3).gifsave_buffer()),
        ("webp-animated", "anim.webp", "image/webp", "render", None, lambda: _pages(3).webpsave_buffer(Q=90)),
        ("tiff-3-pages", "pages.tif", "image/tiff", "render", None, lambda: _tiff_of(_pages(3))),
        ("tiff-150-pages", "many.tif", "image/tiff", "refuse", "too-many-pages",
         lambda: _tiff_of(_pages(150, size=2))),
        # extreme sizes and shapes
        ("png-1-pixel", "dot.png", "image/png", "either", None, lambda: _png(_noisy(1, 1))),
        ("png-100000x2", "strip.png", "image/png", "either", None, lambda: _png(_noisy(100_000, 2))),
        # wrong extension or content type
        ("png-named-jpg", "photo.jpg", "image/jpeg", "render", None, lambda: png),
        ("jpeg-sent-as-tiff", "photo.tif", "image/tiff", "render", None, lambda: jpeg),
        ("webp-as-octet-stream", "photo", "application/octet-stream", "render", None, lambda: webp),
        # nothing, noise
        ("empty", "empty.jpg", "image/jpeg", "refuse", "empty", lambda: b""),
        ("random-bytes", "noise.jpg", "image/jpeg", "refuse", "not-an-image", lambda: rng.randbytes(4096)),
        ("random-after-jpeg-magic", "noise2.jpg", "image/jpeg", "refuse", None,
         lambda: b"\xff\xd8\xff\xe0" + rng.randbytes(4096)),
        ("random-after-png-magic", "noise.png", "image/png", "refuse", None,
         lambda: b"\x89PNG\r\n\x1a\n" + rng.randbytes(4096)),
    ]


def _tiff_cmyk16_o6_header(width: int, height: int) -> bytes:
    """The known bad case by header: 16-bit CMYK, EXIF orientation 6, a few KB on disc."""
    return _tiff_of(_oriented((pyvips.Image.black(width, height, bands=4) + 1000).cast("ushort")
                              .copy(interpretation="cmyk"), 6), compression="deflate", tile=True)


def _png_zeros_1bit(width: int, height: int) -> bytes:
    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _tiff_xmp(size: int) -> bytes:
    image = _noisy(64, 48).copy()
    image.set_type(pyvips.GValue.blob_type, "xmp-data", b"<x:xmpmeta>" + b"a" * size + b"</x:xmpmeta>")
    return image.tiffsave_buffer()


def corpus(folder: Path) -> list[Case]:
    """Write every case under `folder` (one sub-folder each, so file names may repeat)."""
    cases = []
    for name, filename, content_type, expect, code, build in _builders():
        path = folder / name / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build())
        cases.append(Case(name, path, content_type, expect, code))
    return cases


def peak_rss(args: list[str], *, timeout: float = 600) -> tuple[float, int, str]:
    """(peak RSS in MB, exit code, stderr) of a subprocess, from os.wait4's rusage."""
    with tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # child: stderr to the file, stdout discarded
            os.dup2(err.fileno(), 2)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            os.execv(args[0], args)
        _, status, usage = os.wait4(pid, 0)
        err.seek(0)
        return usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err.read().decode(errors="replace")


BIG = {  # the large files of the peak table: (width, height, how)
    "jpeg-24mp.jpg": (6000, 4000, {"Q": 90}), "jpeg-24mp-progressive.jpg": (6000, 4000, {"Q": 90, "interlace": True}),
    "jpeg-48mp.jpg": (8000, 6000, {"Q": 90}), "jpeg-48mp-orientation6.jpg": (8000, 6000, {"Q": 90, "o": 6}),
    "jpeg-48mp-progressive.jpg": (8000, 6000, {"Q": 90, "interlace": True}),
    "jpeg-100mp.jpg": (12000, 8333, {"Q": 90}), "png-100mp.png": (12000, 8333, {"compression": 1}),
    "png-100mp-16bit.png": (12000, 8333, {"compression": 1, "bitdepth": 16}),
    "png-64mp-16bit.png": (9800, 6800, {"compression": 1, "bitdepth": 16}),
    "png-100mp-interlaced.png": (12000, 8333, {"compression": 1, "interlace": True}),
    "png-33mp-interlaced.png": (7000, 4700, {"compression": 1, "interlace": True}),
    "tiff-48mp-cmyk16-orientation6.tif": (8000, 6000, {"cmyk16": True, "o": 6}),
    "tiff-2mp-cmyk16-orientation6.tif": (1600, 1200, {"cmyk16": True, "o": 6}),
}


def _write_big(path: Path, width: int, height: int, how: dict) -> None:
    how = dict(how)
    orientation = how.pop("o", None)
    if how.pop("cmyk16", False):
        image = (pyvips.Image.black(width, height, bands=4) + [20000, 30000, 1000, 500]).cast("ushort")
        image = image.copy(interpretation="cmyk")
        how = {"compression": "deflate", "predictor": "horizontal"}
    elif how.get("bitdepth") == 16:
        image = (_noisy(width, height).cast("ushort") * 257).cast("ushort").copy(interpretation="rgb16")
    else:
        image = _noisy(width, height)
    if orientation:
        image = _oriented(image, orientation)
    image.write_to_file(str(path), **how)


def main_peaks(product: str = "poster-50x70") -> None:
    folder = Path("/tmp/printline-peaks")
    folder.mkdir(exist_ok=True)
    exe = str(Path(sys.executable).with_name("printline"))
    print(f"{'file':36} {'size MB':>8} {'peak MB':>8} {'s':>5}  outcome")
    for name, (width, height, how) in BIG.items():
        path = folder / name
        if not path.exists():
            _write_big(path, width, height, how)
        started = time.perf_counter()
        peak, code, err = peak_rss([exe, "render", "--product", product, "--image", str(path),
                                    "--out", str(folder / "out")])
        lines = [line for line in err.splitlines() if line.strip()]
        outcome = "rendered" if code == 0 else (lines[-1][:120] if lines else f"exit {code}")
        print(f"{name:36} {path.stat().st_size / 1e6:8.1f} {peak:8.0f} {time.perf_counter() - started:5.1f}"
              f"  {outcome}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--peaks"]:
        main_peaks(*sys.argv[2:3])
