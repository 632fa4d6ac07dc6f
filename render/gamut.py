"""Out-of-gamut share as LittleCMS judges it: its own gamut check (`cmsFLAGS_GAMUTCHECK`), called directly.

Why LittleCMS's check and not a ΔE of our own: the press file is made by LittleCMS, and the check
the trade uses to mark unprintable colours (`tificc -p<press profile> -g`, every soft-proof alarm built
on LittleCMS) is this one. It samples the input colour space on a grid, sends each grid colour
Lab → press CMYK → Lab twice with relative colorimetric and calls it out of gamut only when the
first round trip moves it by more than 5 ΔE76 (the threshold for LUT-based press profiles) and the
second does not move it again (a colour that keeps moving is a profile inaccuracy, not a limit of
the inks). Greys and skin tones on coated paper survive the round trip (the old measure, ΔE2000 > 3
against lightness scaled onto the press black, marked a flat sRGB mid-grey 100 %). Colours darker
than the press's black are marked (sRGB <= 10 grey on FOGRA39, <= 40 on FOGRA47), as tificc -b -g
marks them: the check does not apply black point compensation.

The library is the LittleCMS that Pillow's wheel bundles, reached through Pillow's own `_imagingcms`
extension (symbol look-up on that handle walks its dependencies, so the hashed file name in
`pillow.libs/` never matters), and the system `liblcms2` where a Pillow build has none. pyvips'
binary wheel links LittleCMS statically and exports none of it, and ImageCms has no alarm colour.

Marked pixels are counted exactly: the proofing transform writes 16-bit CIELab and its alarm colour
is set to L* 0 with a* = b* = +127.996, a colour no print can be proofed to, so a marked pixel
cannot be confused with a printable one (the default alarm, 0x7F00 in every channel, is a mid
grey). Transforms are made once per (input profile, output profile, intent, pixel format): making
one samples the gamut grid (measured ~0.26 s, once per process and key); applying it to the
400 x 300 px copy the pipeline passes costs ~7-9 ms.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

import pyvips

from profiles.catalogue import Intent
from profiles.icc import OutputProfile

# lcms2.h
_FLAG_NOCACHE = 0x0040  # no one-pixel cache: one transform may be used by several threads
_FLAG_GAMUTCHECK = 0x1000
_FLAG_BPC = 0x2000
_FLAG_SOFTPROOFING = 0x4000
_INTENTS = {Intent.perceptual: 0, Intent.relative: 1, Intent.saturation: 2, Intent.absolute: 3}
_PT_GRAY, _PT_RGB, _PT_CMYK, _PT_XYZ, _PT_LAB = 3, 4, 6, 9, 10
_SIG_SPACE = {0x47524159: (_PT_GRAY, 1), 0x52474220: (_PT_RGB, 3), 0x434D594B: (_PT_CMYK, 4)}
_LAB16 = (_PT_LAB << 16) | (3 << 3) | 2  # TYPE_Lab_16
_XYZ_DBL = (1 << 22) | (_PT_XYZ << 16) | (3 << 3)  # TYPE_XYZ_DBL, D50 Y = 1 (16-bit XYZ loses the darks)
_D50 = (0.9642, 1.0, 0.8249)
_ALARM = (0, 0xFFFF, 0xFFFF)  # L* 0, a* b* +127.996: the proof of no printable colour
_CACHE_SIZE = 16


class GamutError(Exception):
    """LittleCMS is missing, or it cannot use the profile (damaged, or not one for these pixels)."""


def _address(data: bytes | ctypes.Array) -> int:
    """The address of packed pixels for LittleCMS: of the bytes' own buffer (not copied), or of a
    ctypes array. The caller keeps `data` alive across the call."""
    if isinstance(data, ctypes.Array):
        return ctypes.addressof(data)
    return ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value


def _format(space: int, channels: int, depth: int) -> int:
    return (space << 16) | (channels << 3) | depth  # COLORSPACE_SH | CHANNELS_SH | BYTES_SH


@functools.cache
def _lcms() -> tuple[ctypes.CDLL, int]:
    """The LittleCMS library with the prototypes used here, and a context of our own whose alarm
    colour is the sentinel (so Pillow's and other users' global alarm colour is left alone)."""
    candidates: list[str] = []
    try:
        from PIL import _imagingcms  # Pillow is pinned in install_requires for this

        candidates.append(_imagingcms.__file__)
    except ImportError:
        pass
    if found := ctypes.util.find_library("lcms2"):
        candidates.append(found)
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
            lib.cmsCreateProofingTransformTHR  # noqa: B018 - raises AttributeError when absent
            break
        except (OSError, AttributeError):
            continue
    else:
        raise GamutError("LittleCMS (liblcms2) not found: install Pillow, which bundles it")
    vp, u32 = ctypes.c_void_p, ctypes.c_uint32
    lib.cmsCreateContext.restype = vp
    lib.cmsCreateContext.argtypes = [vp, vp]
    lib.cmsSetAlarmCodesTHR.argtypes = [vp, ctypes.POINTER(ctypes.c_uint16)]
    lib.cmsOpenProfileFromMemTHR.restype = vp
    lib.cmsOpenProfileFromMemTHR.argtypes = [vp, ctypes.c_char_p, u32]
    lib.cmsCreateLab4ProfileTHR.restype = vp
    lib.cmsCreateLab4ProfileTHR.argtypes = [vp, vp]
    lib.cmsGetColorSpace.restype = u32
    lib.cmsGetColorSpace.argtypes = [vp]
    lib.cmsCloseProfile.argtypes = [vp]
    lib.cmsCreateProofingTransformTHR.restype = vp
    lib.cmsCreateProofingTransformTHR.argtypes = [vp, vp, u32, vp, u32, vp, u32, u32, u32]
    lib.cmsDoTransform.argtypes = [vp, vp, vp, u32]
    lib.cmsDeleteTransform.argtypes = [vp]
    lib.cmsCreateXYZProfileTHR.restype = vp
    lib.cmsCreateXYZProfileTHR.argtypes = [vp]
    lib.cmsCreateTransformTHR.restype = vp
    lib.cmsCreateTransformTHR.argtypes = [vp, vp, u32, vp, u32, u32, u32]
    point = ctypes.POINTER(ctypes.c_double * 3)
    lib.cmsDetectBlackPoint.argtypes = [point, vp, u32, u32]
    lib.cmsDetectDestinationBlackPoint.argtypes = [point, vp, u32, u32]
    context = lib.cmsCreateContext(None, None)
    if not context:
        raise GamutError("LittleCMS could not make a context")
    codes = (ctypes.c_uint16 * 16)(*_ALARM)
    lib.cmsSetAlarmCodesTHR(context, codes)
    return lib, context


@contextlib.contextmanager
def _opened(source: bytes, output: bytes, channels: int, lab: bool):
    """The input and press profiles opened in our context, with LittleCMS's own Lab (`lab`) or XYZ
    profile, and the input's pixel type; closed afterwards. The one check both transforms (`_Check`,
    `_Lift`) need: GamutError when a profile cannot be read or the input is not for `channels`."""
    lib, ctx = _lcms()
    src, press = (lib.cmsOpenProfileFromMemTHR(ctx, data, len(data)) for data in (source, output))
    pcs = lib.cmsCreateLab4ProfileTHR(ctx, None) if lab else lib.cmsCreateXYZProfileTHR(ctx)
    try:
        if not (src and press and pcs):
            raise GamutError("a colour profile cannot be read")
        space = _SIG_SPACE.get(lib.cmsGetColorSpace(src))
        if space is None or space[1] != channels:
            raise GamutError(f"the input profile is not one for {channels}-channel pixels")
        yield src, press, pcs, space[0]
    finally:
        for handle in (src, press, pcs):
            if handle:
                lib.cmsCloseProfile(handle)


class _Check:
    """One LittleCMS proofing transform with gamut check: input pixels → 16-bit Lab or the alarm.

    Black point compensation is on for relative colorimetric, as tificc -b, but LittleCMS's check
    ignores it (its Lab → press → Lab round trip is plain relative colorimetric): colours darker than
    the press's black are marked, as tificc marks them. Measured on 40 real photos at 400 px this is
    most of what is marked in dark photos (a night sky 84 % on FOGRA39).
    """

    def __init__(self, source: bytes, output: bytes, intent: Intent, channels: int, depth: int) -> None:
        lib, ctx = _lcms()
        self._lib = lib
        self._xform = None
        with _opened(source, output, channels, lab=True) as (src, press, lab, space):
            flags = _FLAG_GAMUTCHECK | _FLAG_SOFTPROOFING | _FLAG_NOCACHE
            if intent is Intent.relative:
                flags |= _FLAG_BPC
            self._xform = lib.cmsCreateProofingTransformTHR(
                ctx, src, _format(space, channels, depth), lab, _LAB16, press,
                _INTENTS[intent], _INTENTS[Intent.relative], flags,
            )  # fmt: skip
            if not self._xform:
                raise GamutError("LittleCMS cannot build a gamut check for these profiles")

    def alarms(self, pixels: bytes, count: int) -> pyvips.Image:
        """Which of `count` packed pixels LittleCMS marks out of gamut: a count x 1 mask, 255 where
        marked (libvips does the comparing: numpy, 15 MB and 0.08 s of every render's start-up, is
        not needed for it)."""
        out = (ctypes.c_uint16 * (3 * count))()
        self._lib.cmsDoTransform(self._xform, _address(pixels), _address(out), count)
        lab = pyvips.Image.new_from_memory(bytes(out), count, 1, 3, "ushort")
        return (lab == list(_ALARM)).bandand()

    def marked(self, pixels: bytes, count: int) -> int:
        """How many of `count` packed pixels LittleCMS marks out of gamut."""
        return _count(self.alarms(pixels, count), count)

    def __del__(self) -> None:
        if self._xform:
            self._lib.cmsDeleteTransform(self._xform)


class _Lift:
    """Black point compensation as LittleCMS applies it in the press transform (relative
    colorimetric, cmscnvrt.c): input pixels → XYZ, scaled so the input's black point lands on the
    press's (XYZ' = a·XYZ + b, white kept), → the input's own pixels at its depth. The colours the print
    aims at, in the input's space: for sRGB on FOGRA39 linear RGB is lifted by the press black's Y
    (~0.011), on FOGRA47 by ~0.052; a mixture of a colour and a grey, so it stays in the input's gamut.
    """

    def __init__(self, source: bytes, output: bytes, channels: int, depth: int) -> None:
        lib, ctx = _lcms()
        self._lib = lib
        self._there = self._back = None
        with _opened(source, output, channels, lab=False) as (src, press, xyz, space):
            black_in, black_out = (ctypes.c_double * 3)(), (ctypes.c_double * 3)()
            lib.cmsDetectBlackPoint(ctypes.byref(black_in), src, 1, 0)
            lib.cmsDetectDestinationBlackPoint(ctypes.byref(black_out), press, 1, 0)
            bi, bo = black_in[:], black_out[:]
            self.scale = [(o - d) / (i - d) for i, o, d in zip(bi, bo, _D50, strict=True)]
            self.offset = [-d * (o - i) / (i - d) for i, o, d in zip(bi, bo, _D50, strict=True)]
            relative = _INTENTS[Intent.relative]
            self._there = lib.cmsCreateTransformTHR(
                ctx, src, _format(space, channels, depth), xyz, _XYZ_DBL, relative, _FLAG_NOCACHE
            )
            self._back = lib.cmsCreateTransformTHR(
                ctx, xyz, _XYZ_DBL, src, _format(space, channels, depth), relative, _FLAG_NOCACHE
            )
            if not (self._there and self._back):
                raise GamutError("LittleCMS cannot build black point compensation for these profiles")
            self.channels, self.depth = channels, depth

    def lifted(self, pixels: bytes, count: int) -> bytes:
        """The `count` packed pixels as the print aims at them, in the input's space and depth."""
        xyz = (ctypes.c_double * (3 * count))()
        self._lib.cmsDoTransform(self._there, _address(pixels), _address(xyz), count)
        moved = pyvips.Image.new_from_memory(bytes(xyz), count, 1, 3, "double").linear(self.scale, self.offset)
        there = bytes(moved.write_to_memory())
        out = (ctypes.c_uint8 * (self.channels * count * self.depth))()
        self._lib.cmsDoTransform(self._back, _address(there), _address(out), count)
        return bytes(out)

    def __del__(self) -> None:
        for handle in (self._there, self._back):
            if handle:
                self._lib.cmsDeleteTransform(handle)


_checks: OrderedDict[tuple, _Check | _Lift] = OrderedDict()
_lock = threading.Lock()


def _check(source: bytes, output: OutputProfile, intent: Intent | None, channels: int, depth: int):
    """The cached transform for these profiles and pixels (making one costs ~0.26 s); intent None:
    the black point compensation `_Lift` instead of a check."""
    key = (hashlib.sha256(source).digest(), str(output.path), intent, channels, depth)
    with _lock:
        if key in _checks:
            _checks.move_to_end(key)
            return _checks[key]
    press = _profile_data(str(output.path))
    if intent is None:
        check = _Lift(source, press, channels, depth)
    else:
        check = _Check(source, press, intent, channels, depth)
    with _lock:
        _checks[key] = check
        while len(_checks) > _CACHE_SIZE:
            _checks.popitem(last=False)
    return check


@functools.lru_cache(maxsize=16)
def _profile_data(name: str) -> bytes:
    """A profile's bytes: libvips' built-in ones by name ('srgb', 'p3', 'cmyk'), else a file."""
    if name in ("srgb", "p3", "cmyk"):
        return bytes(pyvips.Image.profile_load(name))
    return Path(name).read_bytes()


def _pixels(image: pyvips.Image) -> tuple[pyvips.Image, int, int]:
    """The colour bands as packed 8- or 16-bit pixels, their channel count and bytes per sample
    (what `share` and `shares` both check)."""
    channels = 4 if image.interpretation == "cmyk" else (3 if image.bands >= 3 else 1)
    pixels = image if image.bands == channels else image.extract_band(0, n=channels)
    if pixels.format not in ("uchar", "ushort"):  # libvips' float RGB/CMYK/grey is on the 8-bit scale
        wide = image.interpretation in ("rgb16", "grey16")
        pixels = pixels.cast("ushort" if wide else "uchar")
    return pixels, channels, 1 if pixels.format == "uchar" else 2


def share(image: pyvips.Image, source_profile: bytes | str, output: OutputProfile, intent: Intent) -> float:
    """Share (0-1) of the image's pixels that LittleCMS's gamut check marks for `output`.

    `source_profile` is the ICC data the pixels are in, or a libvips built-in name / file path.
    8- and 16-bit images of 1 (grey), 3 (RGB) or 4 (CMYK) colour bands; extra bands (alpha) are
    ignored; float pixels are read on libvips' scale for their interpretation.
    """
    data = source_profile if isinstance(source_profile, bytes) else _profile_data(source_profile)
    pixels, channels, depth = _pixels(image)
    count = pixels.width * pixels.height
    if count == 0:
        return 0.0
    check = _check(data, output, intent, channels, depth)
    return check.marked(bytes(pixels.write_to_memory()), count) / count


def shares(
    image: pyvips.Image, source_profile: bytes | str, output: OutputProfile, intent: Intent
) -> tuple[float, float]:
    """LittleCMS's share (as `share`) and the share of pixels it still marks once black point
    compensation has moved them where the press transform puts them (relative colorimetric; for
    the other intents both are LittleCMS's share): out of gamut and not only darker than the
    press's black, which BPC prints as the press's deepest tone. Every pixel is lifted and checked
    again and only those marked both times count (BPC moves a colour towards grey, into the gamut,
    never out of it; lifting all 120,000 pixels of the 400 px copy costs ~10 ms more), by the same
    check at the input's depth: one gamut check per process and profile instead of a second 16-bit
    one (making each costs ~0.25 CPU s, half a CLI render's start-up)."""
    data = source_profile if isinstance(source_profile, bytes) else _profile_data(source_profile)
    pixels, channels, depth = _pixels(image)
    count = pixels.width * pixels.height
    if count == 0:
        return 0.0, 0.0
    packed = bytes(pixels.write_to_memory())
    alarms = _check(data, output, intent, channels, depth).alarms(packed, count)
    marked = _count(alarms, count)
    if intent is not Intent.relative or marked == 0:
        return marked / count, marked / count
    lifted = _check(data, output, None, channels, depth).lifted(packed, count)
    still = _check(data, output, intent, channels, depth).alarms(lifted, count)
    return marked / count, _count(alarms & still, count) / count


def _count(mask: pyvips.Image, count: int) -> int:
    """How many of the count x 1 mask's pixels are set (255)."""
    return round(mask.avg() * count / 255)
