"""Product options an item names (the catalogue defines which a product offers)."""

from __future__ import annotations

from enum import StrEnum


class Orientation(StrEnum):
    portrait = "portrait"
    landscape = "landscape"


class Intent(StrEnum):
    perceptual = "perceptual"
    relative = "relative"
    saturation = "saturation"
    absolute = "absolute"


class BleedStrategy(StrEnum):
    image = "image"  # the image beyond the crop, extended edge where there is none
    mirror = "mirror"  # mirrored edges
    colour = "colour"  # a solid colour
