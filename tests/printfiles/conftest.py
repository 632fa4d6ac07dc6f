"""Fixtures of the print-file tests: catalogue, products at low ppi, a fixed PrintMeta, `build`, which
runs the real render pipeline and build_item on a small generated photo, and `recorded`, which keeps
what render_slot gave build_item."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime

import pytest

from printfiles.build import PrintMeta
from profiles.catalogue import Preflight, Product, load_catalogue


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


def low_ppi(product: Product, ppi: float = 40) -> Product:
    """The product rendered at a low ppi (small test rasters), thresholds scaled along."""
    pre = Preflight(target_ppi=ppi, warn_ppi=ppi * 0.5, fail_ppi=ppi * 0.3)
    return product.model_copy(update={"preflight": pre})


@pytest.fixture
def meta() -> PrintMeta:
    return PrintMeta(
        brand="myposter",
        order_ref="MP-2026-000123",
        item_ref="1",
        job_id="job-7f3a9c",
        version=1,
        created_at=datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC),
    )


@pytest.fixture
def build(catalogue, meta, photo, tmp_path):
    """build("poster-50x70", ppi=40, **item fields) -> BuildResult, in a fresh folder under tmp_path."""
    from vocab.spec import ItemSpec
    from printfiles.build import build_item

    counter = iter(range(1000))

    def _build(
        product_id: str,
        *,
        ppi: float = 40,
        meta_=None,
        printer=None,
        sources=None,
        out=None,
        product_changes=None,
        cancel=None,
        on_progress=None,
        **fields,
    ):
        product = low_ppi(catalogue.get(product_id), ppi)
        if product_changes:
            product = product.model_copy(update=product_changes)
        fields.setdefault("image", {"upload_id": "u1"})
        spec = ItemSpec(product=product_id, **fields)
        out_dir = out or tmp_path / f"build-{next(counter)}"
        controls = {k: v for k, v in (("cancel", cancel), ("on_progress", on_progress)) if v is not None}
        return build_item(spec, product, sources or {"u1": photo}, out_dir, meta_ or meta, printer=printer,
                          **controls)

    return _build


@pytest.fixture
def recorded(monkeypatch, tmp_path):
    """Wrap render_slot so tests see its results, the hashes of the rasters and copies of the previews."""
    calls = []
    import render.pipeline

    original = render.pipeline.render_slot

    def wrapper(source, request, out_dir, name="slot"):
        result = original(source, request, out_dir, name)
        keep = tmp_path / f"kept-{len(calls)}-preview.jpg"
        shutil.copyfile(result.preview_path, keep)
        calls.append(
            (
                result.model_copy(update={"preview_path": keep}),
                hashlib.sha256(result.image_path.read_bytes()).hexdigest(),
            )
        )
        return result

    monkeypatch.setattr(render.pipeline, "render_slot", wrapper)
    return calls
