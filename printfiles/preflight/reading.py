"""Reading a PDF's structure: boxes, the images painted (with the CTM at each `Do`), fonts,
output intents and the PDF/X keys. Tolerant of odd files; damaged objects raise pikepdf errors
that `preflight_pdf` turns into a finding."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pikepdf

from printfiles.preflight.ink import image_ink
from printfiles.preflight.models import MM_PER_PT, BoxInfo, FontInfo, ImageInfo, OutputIntentInfo, PdfxInfo
from profiles.catalogue import Product


def box(page: pikepdf.Dictionary, key: str) -> BoxInfo | None:
    value = page.get(key)
    if value is None:
        return None
    try:
        llx, lly, urx, ury = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    x0, x1 = sorted((llx, urx))
    y0, y1 = sorted((lly, ury))
    return BoxInfo(
        x_mm=round(x0 * MM_PER_PT, 4),
        y_mm=round(y0 * MM_PER_PT, 4),
        width_mm=round((x1 - x0) * MM_PER_PT, 4),
        height_mm=round((y1 - y0) * MM_PER_PT, 4),
    )


def inherited(page: pikepdf.Page, key: str):
    node = page.obj
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def colour_space_name(cs) -> str:
    if cs is None:
        return "none"
    if isinstance(cs, pikepdf.Name):
        return str(cs)[1:]
    if isinstance(cs, pikepdf.Array) and len(cs) > 0:
        family = str(cs[0])[1:]
        if family == "ICCBased":
            n = int(cs[1].get("/N", 0))
            return f"ICCBased({ {1: 'Gray', 3: 'RGB', 4: 'CMYK'}.get(n, n) })".replace(" ", "")
        if family == "Indexed" and len(cs) > 1:
            return f"Indexed({colour_space_name(cs[1])})"
        return family
    return "unknown"


def mul(a: tuple, b: tuple) -> tuple:
    """Matrix product a x b of PDF matrices [a b c d e f]."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (
        a0 * b0 + a1 * b2,
        a0 * b1 + a1 * b3,
        a2 * b0 + a3 * b2,
        a2 * b1 + a3 * b3,
        a4 * b0 + a5 * b2 + b4,
        a4 * b1 + a5 * b3 + b5,
    )


IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


DEVICE_OPS = {
    "rg": "DeviceRGB",
    "RG": "DeviceRGB",
    "g": "DeviceGray",
    "G": "DeviceGray",
    "k": "DeviceCMYK",
    "K": "DeviceCMYK",
}


def placed_images(
    container, resources, ctm: tuple, depth: int = 0, colours: set[str] | None = None
) -> Iterator[tuple[str, pikepdf.Object | None, tuple, object]]:
    """(name, image stream or None for inline, ctm at Do, inline image) for every image painted;
    the colour spaces of vector painting (rg/k/g, cs/CS) are added to `colours` on the way."""
    if depth > 8:
        return
    stack: list[tuple] = []
    try:
        instructions = pikepdf.parse_content_stream(container)
    except pikepdf.PdfError:
        return
    for operands, operator in instructions:
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm" and len(operands) == 6:
            ctm = mul(tuple(float(v) for v in operands), ctm)
        elif op in DEVICE_OPS and colours is not None:
            colours.add(DEVICE_OPS[op])
        elif op in ("cs", "CS") and operands and colours is not None:
            named = resources.get("/ColorSpace") if resources is not None else None
            space = named.get(operands[0]) if named is not None and operands[0] in named else operands[0]
            colours.add(colour_space_name(space))
        elif op == "BI" or op == "INLINE IMAGE":
            yield "inline", None, ctm, operands[0] if operands else None
        elif op == "Do" and operands:
            name = operands[0]
            xobjects = resources.get("/XObject") if resources is not None else None
            xobj = xobjects.get(name) if xobjects is not None else None
            if xobj is None:
                continue
            subtype = xobj.get("/Subtype")
            if subtype == "/Image":
                yield str(name), xobj, ctm, None
            elif subtype == "/Form":
                matrix = tuple(float(v) for v in xobj.get("/Matrix", IDENTITY))
                inner = xobj.get("/Resources", resources)
                yield from placed_images(xobj, inner, mul(matrix, ctm), depth + 1, colours)


def image_size_mm(ctm: tuple) -> tuple[float, float]:
    a, b, c, d, _, _ = ctm
    return math.hypot(a, b) * MM_PER_PT, math.hypot(c, d) * MM_PER_PT


def image_info(path: Path, pdf: pikepdf.Pdf, page: int, name: str, image, ctm: tuple, inline,
               known_ink: Mapping[str, float] | None = None) -> ImageInfo:
    width_mm, height_mm = image_size_mm(ctm)
    if image is None:
        try:
            pim = pikepdf.PdfInlineImage  # noqa: F841 - presence check
            width = int(inline.obj.get("/W", inline.obj.get("/Width", 0))) if inline is not None else 0
            height = int(inline.obj.get("/H", inline.obj.get("/Height", 0))) if inline is not None else 0
            cs = (
                colour_space_name(inline.obj.get("/CS", inline.obj.get("/ColorSpace")))
                if inline is not None
                else "unknown"
            )
        except Exception:  # noqa: BLE001
            width = height = 0
            cs = "unknown"
        filt, bits, ink, ink_known = None, None, None, False
    else:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        cs = colour_space_name(image.get("/ColorSpace"))
        filters = image.get("/Filter")
        filt = (
            ",".join(str(f)[1:] for f in filters)
            if isinstance(filters, pikepdf.Array)
            else (str(filters)[1:] if filters else None)
        )
        bits = int(image.get("/BitsPerComponent")) if "/BitsPerComponent" in image else None
        ink, ink_known = None, False
        if cs in ("DeviceCMYK", "ICCBased(CMYK)"):
            ink, ink_known = image_ink(path, pdf, image, width, height, known_ink)
    ppi_x = width / (width_mm / 25.4) if width_mm > 0 else 0.0
    ppi_y = height / (height_mm / 25.4) if height_mm > 0 else 0.0
    return ImageInfo(
        page=page,
        name=name,
        width_px=width,
        height_px=height,
        colour_space=cs,
        bits=bits,
        filter=filt,
        width_mm=round(width_mm, 3),
        height_mm=round(height_mm, 3),
        ppi_x=round(ppi_x, 2),
        ppi_y=round(ppi_y, 2),
        max_ink_percent=ink,
        ink_known=ink_known,
    )


def font_infos(pdf: pikepdf.Pdf) -> list[FontInfo]:
    found: dict[tuple, FontInfo] = {}
    seen: set = set()

    def visit_resources(resources, depth: int = 0) -> None:
        if resources is None or depth > 8:
            return
        fonts = resources.get("/Font")
        if fonts is not None:
            for _, font in fonts.items():
                _record_font(font)
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for _, xobj in xobjects.items():
                key = xobj.objgen if xobj.is_indirect else id(xobj)
                if key in seen:
                    continue
                seen.add(key)
                if xobj.get("/Subtype") == "/Form":
                    visit_resources(xobj.get("/Resources"), depth + 1)

    def _record_font(font) -> None:
        subtype = str(font.get("/Subtype", "/Unknown"))[1:]
        name = str(font.get("/BaseFont", "/(unnamed)"))[1:]
        if subtype == "Type3":
            embedded = True
        else:
            descriptor_holder = font
            if subtype == "Type0" and "/DescendantFonts" in font and len(font.DescendantFonts) > 0:
                descriptor_holder = font.DescendantFonts[0]
            descriptor = descriptor_holder.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
        found[(name, subtype)] = FontInfo(name=name, subtype=subtype, embedded=embedded)

    for page in pdf.pages:
        visit_resources(inherited(page, "/Resources"))
    return sorted(found.values(), key=lambda f: (f.name, f.subtype))


def output_intents(pdf: pikepdf.Pdf, product: Product | None) -> list[OutputIntentInfo]:
    intents = pdf.Root.get("/OutputIntents")
    if intents is None:
        return []
    wanted = hashlib.sha256(product.profile.data()).hexdigest() if product is not None else None
    result = []
    for intent in intents:
        profile = intent.get("/DestOutputProfile")
        digest = components = None
        if profile is not None:
            try:
                digest = hashlib.sha256(profile.read_bytes()).hexdigest()
                components = int(profile.get("/N", 0)) or None
            except pikepdf.PdfError:
                digest = None
        ident = intent.get("/OutputConditionIdentifier")
        result.append(
            OutputIntentInfo(
                subtype=str(intent.get("/S", "/"))[1:],
                condition_identifier=str(ident) if ident is not None else None,
                has_profile=profile is not None,
                profile_components=components,
                profile_sha256=digest,
                matches_product=(digest == wanted) if wanted is not None and digest is not None else None,
            )
        )
    return result


def xmp_field(xmp: str, name: str) -> str | None:
    match = re.search(rf"<{name}>([^<]*)</{name}>", xmp) or re.search(rf'{name}="([^"]*)"', xmp)
    return match.group(1).strip() if match else None


def pdfx_info(pdf: pikepdf.Pdf) -> PdfxInfo:
    info = pdf.trailer.get("/Info")

    def get(key: str) -> str | None:
        return str(info.get(key)) if info is not None and info.get(key) is not None else None

    trapped = get("/Trapped")
    if trapped is not None and trapped.startswith("/"):
        trapped = trapped[1:]
    xmp = ""
    metadata = pdf.Root.get("/Metadata")
    if metadata is not None:
        try:
            xmp = metadata.read_bytes().decode("utf-8", "replace")
        except pikepdf.PdfError:
            xmp = ""
    title = xmp_field(xmp, r"rdf:li xml:lang=\"x-default\"") or get("/Title")
    return PdfxInfo(
        info_version=get("/GTS_PDFXVersion"),
        xmp_version=xmp_field(xmp, "pdfxid:GTS_PDFXVersion"),
        trapped=trapped,
        has_xmp=bool(xmp),
        document_id=xmp_field(xmp, "xmpMM:DocumentID"),
        instance_id=xmp_field(xmp, "xmpMM:InstanceID"),
        title=title,
    )
