"""What a shop sends: the order and item specs, shared by the API, the CLI and the workers.

These pydantic models validate requests and generate the OpenAPI schema. A CLI render of an
item takes the same JSON as an item of `POST /v1/orders`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator
from pydantic_core import PydanticCustomError

from vocab.options import BleedStrategy, Orientation

EPS = 1e-9


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Crop(_Model):
    """A rectangle in fractions of the upright image (after EXIF orientation), as the editor sends it."""

    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    width: float = Field(gt=0, le=1)
    height: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _inside(self) -> Self:
        if self.x + self.width > 1 + 1e-6 or self.y + self.height > 1 + 1e-6:
            raise PydanticCustomError(  # its type names the API's text for it in each language
                "crop_outside_image", "crop rectangle must lie inside the image (x + width <= 1, y + height <= 1)")
        return self


class CropMode(StrEnum):
    fill = "fill"  # centred crop to the product's aspect
    smart = "smart"  # libvips attention-based crop
    fit = "fit"  # whole image on a background colour


class ImageRef(_Model):
    """One photo placed in a slot: an upload and how to crop it."""

    upload_id: str = Field(min_length=1, max_length=200)
    crop: Crop | None = None
    mode: CropMode = CropMode.fill
    background: str = Field("#FFFFFF", pattern=r"^#[0-9A-Fa-f]{6}$", description="Colour around a `fit` image.")


class SlotImage(_Model):
    """A photo for a named slot of a multi-page product (cards)."""

    slot: str
    image: ImageRef


class Align(StrEnum):
    left = "left"
    center = "center"
    right = "right"


class TextField(_Model):
    """The customer's text in one of the product's text areas."""

    area: str
    text: str = Field(max_length=2000)
    font: str | None = None
    size_pt: float | None = Field(None, gt=0)
    colour: str = Field("#000000", pattern=r"^#[0-9A-Fa-f]{6}$")
    align: Align | None = None


class ItemSpec(_Model):
    """One order line: a product, a quantity, its photo(s), text and options."""

    product: str = Field(min_length=1)
    quantity: int = Field(1, ge=1, le=10_000)
    image: ImageRef | None = Field(None, description="The main photo (the product's first slot).")
    images: list[SlotImage] = Field(default_factory=list, description="Photos for further named slots.")
    texts: list[TextField] = Field(default_factory=list)
    orientation: Orientation | None = None
    wrap: BleedStrategy | None = Field(None, description="Canvas wrap: image, mirror or colour.")
    wrap_colour: str | None = Field(None, pattern=r"^#[0-9A-Fa-f]{6}$")
    options: dict[str, str] = Field(default_factory=dict, description="Priced options, e.g. "
                                    "{\"frame_depth_mm\": \"40\"} for canvas; the price list names them.")

    def upload_ids(self) -> list[str]:
        refs = ([self.image] if self.image else []) + [s.image for s in self.images]
        return [r.upload_id for r in refs]


class CustomerType(StrEnum):
    b2c = "b2c"
    b2b = "b2b"


class _Deferred(_Model):
    """Order-level models: validators built on first use, so a process that renders items only
    (`printline render`, a worker) never builds them nor imports the e-mail validator."""

    model_config = ConfigDict(defer_build=True)


class Customer(_Deferred):
    type: CustomerType = CustomerType.b2c
    email: EmailStr | None = None
    company: str | None = Field(None, max_length=200)
    vat_id: str | None = Field(None, max_length=40)


class Address(_Deferred):
    name: str = Field(min_length=1, max_length=200)
    street: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class OrderSpec(_Deferred):
    """The body of `POST /v1/orders` and `POST /v1/quotes`; the brand comes from the API key."""

    external_id: str = Field(min_length=1, max_length=100)
    market: str = Field(pattern=r"^[A-Z]{2}$")
    language: str = Field(pattern=r"^[a-z]{2}$")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    customer: Customer = Field(default_factory=Customer)
    shipping_address: Address
    items: list[ItemSpec] = Field(min_length=1, max_length=100)
