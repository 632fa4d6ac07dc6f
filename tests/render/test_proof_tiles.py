"""`render.proof_tiles`: QA's zoomable soft proof of a print file — per photo slot a Deep Zoom pyramid
whose last level is 1:1 print pixels, its descriptor, a source preview, and the manifest the API serves."""

from __future__ import annotations

import json

import pytest

from render.proof_tiles import levels_for


@pytest.mark.parametrize(("size", "levels"), [((1, 1), 1), ((2, 1), 2), ((512, 300), 10), ((513, 2), 11),
                                              ((5976, 8339), 15)])
def test_a_pyramid_halves_down_to_one_pixel(size, levels):
    assert levels_for(*size) == levels


def test_proof_pyramid_of_a_real_print_file(tmp_path, photo):
    """render.proof_tiles on a real (small) print file: the last level is 1:1 print pixels."""
    import pyvips

    from vocab.spec import ItemSpec
    from printfiles.build import PrintMeta, build_item
    from profiles.catalogue import load_catalogue
    from render.proof_tiles import levels_for, make_proof

    catalogue = load_catalogue()
    product = catalogue.get("card-a6-flat")
    spec = ItemSpec.model_validate({"product": product.id, "quantity": 1, "image": {"upload_id": "upl_1"}})
    from datetime import UTC, datetime

    meta = PrintMeta(brand="kartenliebe", order_ref="KL-1", item_ref="itm_1", job_id="job_1", version=1,
                     created_at=datetime(2026, 1, 1, tzinfo=UTC), quantity=1)
    result = build_item(spec, product, {"upl_1": photo}, tmp_path / "out", meta,
                        printer=catalogue.printer(product.printer))
    report = json.loads(result.report_path.read_bytes())
    proof = make_proof(result.printfile, report, tmp_path / "proof", sources={"upl_1": photo})
    [slot] = proof.slots
    assert (slot.width, slot.height) == (report["slots"][0]["raster_width_px"], report["slots"][0]["raster_height_px"])
    assert slot.levels == levels_for(slot.width, slot.height) and slot.source == "s0-source.jpg"
    top = tmp_path / "proof" / slot.tiles / str(slot.levels - 1)
    first = pyvips.Image.new_from_file(str(top / "0_0.jpg"))
    assert (first.width, first.height, first.bands) == (min(512, slot.width), min(512, slot.height), 3)
    assert (tmp_path / "proof" / slot.tiles / "0" / "0_0.jpg").exists()
    assert max(pyvips.Image.new_from_file(str(tmp_path / "proof" / "s0-source.jpg")).width,
               pyvips.Image.new_from_file(str(tmp_path / "proof" / "s0-source.jpg")).height) == 800


@pytest.mark.parametrize("profile_id", ["FOGRA39", "FOGRA47"])
def test_the_zoom_shows_the_shadows_as_the_preview_does(profile_id):
    """Deep shadows proofed like preview.jpg (relative + black point compensation): without it the
    print's black showed as a washed grey in QA's zoom (30/31/29 against 8/9/5 for FOGRA39)."""
    import pyvips

    from profiles.icc import OUTPUT_PROFILES
    from render.colour import soft_proof
    from render.proof_tiles import _srgb

    output = OUTPUT_PROFILES[profile_id]
    dark = (pyvips.Image.black(8, 8, bands=4) + [190, 170, 170, 250]).cast("uchar").copy(interpretation="cmyk")
    zoom, preview = _srgb(dark, output.path), soft_proof(dark, output)
    assert zoom.bands == preview.bands == 3
    assert max(abs(a - b) for a, b in zip(zoom.getpoint(4, 4), preview.getpoint(4, 4))) <= 1
    no_bpc = dark.icc_transform("srgb", input_profile=str(output.path), intent="relative", embedded=False)
    assert sum(no_bpc.getpoint(4, 4)) > sum(zoom.getpoint(4, 4)) + 30  # without it: a lighter, flat black
