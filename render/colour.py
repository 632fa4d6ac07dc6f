"""Colour in and out: the source's embedded profile (sRGB when none) to the product's CMYK condition.

One LittleCMS transform per pixel through libvips `icc_transform` (import to Lab, export to the
output profile) with the product's rendering intent, black point compensation on for relative
colorimetric, 16-bit sources kept at 16 bit until this step.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pyvips

from profiles.catalogue import Intent
from profiles.icc import OutputProfile
from render import gamut
from render.errors import RenderError

PROFILE_UNUSABLE = (
    "The photo's colour profile cannot be used (it is damaged or does not match the image); save the "
    "photo again as sRGB and upload it."
)


@dataclass(frozen=True)
class ColourIn:
    """How the source's numbers are read: a profile file/name, and whether the embedded one is used."""

    fallback: str  # libvips built-in name ('srgb') or a path
    embedded: bool
    note: str | None = None  # why an embedded profile was not used, or what was assumed
    passthrough: bool = False  # CMYK already in the output condition: numbers kept as they are


def prepare(image: pyvips.Image, has_profile: bool, output: OutputProfile) -> tuple[pyvips.Image, ColourIn]:
    """Bring untagged grey to RGB (sRGB assumed) and choose the input profile for icc_transform."""
    interpretation = str(image.interpretation)
    if interpretation == "cmyk":
        # Untagged CMYK (in Europe almost always FOGRA39-like) or CMYK tagged with the output profile
        # is already separated for this press: keep the customer's numbers (K-only stays K-only).
        same = not has_profile or _profile_bytes(image) == output.data()
        if same:
            return image, ColourIn(
                fallback=str(output.path),
                embedded=False,
                passthrough=True,
                note=f"CMYK kept as {output.id} numbers",
            )
        return image, ColourIn(fallback=str(output.path), embedded=True)
    if interpretation in ("b-w", "grey16") and not has_profile:
        image = image.colourspace("grey16" if image.format == "ushort" else "b-w")
        image = image.bandjoin([image, image]).copy(
            interpretation="rgb16" if image.format == "ushort" else "srgb"
        )
    return image, ColourIn(
        fallback="srgb",
        embedded=has_profile,
        note=None if has_profile else "no embedded profile: sRGB assumed",
    )


def _profile_bytes(image: pyvips.Image) -> bytes | None:
    if "icc-profile-data" not in image.get_fields():
        return None
    return bytes(image.get("icc-profile-data"))


def to_output(
    image: pyvips.Image, colour_in: ColourIn, output: OutputProfile, intent: Intent, *, depth: int = 8
) -> pyvips.Image:
    """The product's CMYK, through LittleCMS with the product's intent (BPC for relative)."""
    if colour_in.passthrough:
        return (image if depth == 16 else to_8bit(image)).copy(interpretation="cmyk")
    try:
        return _transform(image, colour_in, output, intent, depth)
    except pyvips.Error as exc:
        raise RenderError(PROFILE_UNUSABLE) from exc


def _transform(
    image: pyvips.Image, colour_in: ColourIn, output: OutputProfile, intent: Intent, depth: int
) -> pyvips.Image:
    """The one LittleCMS call to the output condition (BPC for relative), raw: pyvips.Error as it
    comes, so callers whose error is not the photo's (a text colour) do not tell the customer it is."""
    return image.icc_transform(
        str(output.path),
        input_profile=colour_in.fallback,
        embedded=colour_in.embedded,
        intent=intent.value,
        black_point_compensation=intent is Intent.relative,
        depth=depth,
    )


def to_8bit(image: pyvips.Image) -> pyvips.Image:
    """8-bit numbers of an 8- or 16-bit image, rounded (the last step of a 16-bit pipeline)."""
    if image.format == "uchar":
        return image
    interpretation = "cmyk" if image.bands == 4 else image.interpretation
    return (image * (255 / 65535) + 0.5).cast("uchar").copy(interpretation=interpretation)


def parse_hex(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' (the pattern vocab.spec and the catalogue validate) as three 0-255 numbers."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colour {colour!r} must be '#RRGGBB'")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def srgb_to_output(rgb: tuple[int, int, int], output: OutputProfile, intent: Intent) -> list[float]:
    """One sRGB colour as the output condition's 8-bit CMYK numbers (0-255), through the same
    transform as the photos: the one home of this conversion for bleed and `fit` backgrounds
    (`hex_to_output`) and for text and mark colours (`printfiles.colour.hex_to_cmyk`).
    Raises pyvips.Error on a profile LittleCMS cannot use (each caller says what that means)."""
    pixel = (pyvips.Image.black(1, 1) + list(rgb)).cast("uchar").copy(interpretation="srgb")
    return list(_transform(pixel, ColourIn(fallback="srgb", embedded=False), output, intent, 8)(0, 0))


@functools.lru_cache(maxsize=64)
def hex_to_output(colour: str, output: OutputProfile, intent: Intent) -> list[float]:
    """A '#RRGGBB' sRGB colour as the product's CMYK numbers (for bleed and `fit` backgrounds)."""
    try:
        return srgb_to_output(parse_hex(colour), output, intent)
    except pyvips.Error as exc:
        raise RenderError(PROFILE_UNUSABLE) from exc


def soft_proof(cmyk: pyvips.Image, output: OutputProfile) -> pyvips.Image:
    """8-bit sRGB of how CMYK in the output condition looks printed (relative colorimetric with black
    point compensation): the one soft proof of the slot preview (render.measure) and of text colours
    in the item preview (printfiles.colour.proof_rgb), so both show the same print."""
    return cmyk.icc_transform(
        "srgb",
        input_profile=str(output.path),
        embedded=False,
        intent="relative",
        black_point_compensation=True,
        depth=8,
    )


def out_of_gamut_share(
    image: pyvips.Image, colour_in: ColourIn, output: OutputProfile, *, intent: Intent = Intent.relative
) -> float:
    """Share of pixels LittleCMS's own gamut check marks for the output profile (render.gamut).

    CMYK kept as the output condition's numbers is printable by definition: 0. `intent` only says
    how the source is read into Lab (for matrix-shaper RGB, almost every photo, all intents agree);
    the check itself is colorimetric. Meant for a reduced copy of the slot (~400 px: ~5 ms).
    """
    return out_of_gamut_shares(image, colour_in, output, intent=intent, visible=False)[0]


def out_of_gamut_shares(
    image: pyvips.Image, colour_in: ColourIn, output: OutputProfile, *, intent: Intent = Intent.relative,
    visible: bool = True,
) -> tuple[float, float]:
    """LittleCMS's share and the share still out of gamut after black point compensation
    (`gamut.shares`: colours only darker than the press's black are printed as its black, not lost).
    With visible=False the second is LittleCMS's share too (and costs nothing)."""
    if colour_in.passthrough:
        return 0.0, 0.0
    embedded = _profile_bytes(image) if colour_in.embedded else None
    try:
        source = embedded or colour_in.fallback
        if visible:
            return gamut.shares(image, source, output, intent)
        raw = gamut.share(image, source, output, intent)
        return raw, raw
    except gamut.GamutError as exc:
        if embedded is None:
            raise RenderError(PROFILE_UNUSABLE) from exc
        # libvips falls back to the input profile when the embedded one does not fit: so do we
        fallback = ColourIn(colour_in.fallback, embedded=False)
        return out_of_gamut_shares(image, fallback, output, intent=intent, visible=visible)


def max_ink_percent(cmyk: pyvips.Image) -> float:
    """Largest total ink (C+M+Y+K, %) of CMYK numbers 0-255 (an 8-bit image, or a float one holding
    them): the one ink sum of the slot preview (render.measure) and of a PDF's DCT images read back
    (printfiles.preflight.ink.ink_dct; its Flate twin sums rows with numpy, see `ink_flate`)."""
    total = cmyk[0].cast("float") + cmyk[1] + cmyk[2] + cmyk[3]
    return float(total.max()) * 100.0 / 255.0
