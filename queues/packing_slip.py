"""The order's packing slip with invoice copy, built by a worker (after a render, and when a line is
cancelled; the API only serves it). It lists only what ships, at the totals without the cancelled
lines. Each build is stored under a key named by its content, so a changed slip (a new render
version's thumbnail) never replaces an older file; the order points at the newest."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from records.models import Order, OrderItem
from orders.packing_slip import build_packing_slip, slip_data
from orders.pricing import Quote, without_lines
from vocab.spec import OrderSpec
from queues.ports import WorkerServices as Services


def refresh_packing_slip(services: Services, order_id: str) -> str | None:
    """Build and store the slip for the order's current state; its storage key, or None when the
    order is unpriced or nothing of it ships any more."""
    with services.sessions() as session:
        order = session.scalar(select(Order).where(Order.id == order_id)
                               .options(selectinload(Order.items).selectinload(OrderItem.jobs)))
        if order is None or order.totals is None:
            return None
        cancelled = {item.position for item in order.items if item.cancelled_at is not None}
        if len(cancelled) == len(order.items):
            return None
        spec, quote = OrderSpec.model_validate(order.spec), Quote.model_validate(order.totals)
        spec = spec.model_copy(update={"items": [s for i, s in enumerate(spec.items) if i not in cancelled]})
        quote = without_lines(quote, cancelled)
        brand, created_at = order.brand, order.created_at
        previews, shipped = {}, 0
        for item in order.items:
            if item.position in cancelled:
                continue
            current = next((j for j in item.jobs if j.version == item.current_version), None)
            if current is not None and current.preview_key:
                previews[shipped] = current.preview_key
            shipped += 1
    folder = services.settings.var_dir / "work" / f"slip-{order_id}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        thumbnails: dict[int, Path] = {}
        for position, key in previews.items():
            thumbnails[position] = folder / f"{position}.jpg"
            services.storage.download(key, thumbnails[position])
        data = slip_data(spec, quote, brand=brand, order_id=order_id, created_at=created_at,
                         catalogue=services.catalogue, thumbnails=thumbnails)
        pdf = build_packing_slip(data, folder / "packing-slip.pdf")
        digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
        key = f"{brand}/slips/{order_id}/{digest}.pdf"
        services.storage.put_file(key, pdf, content_type="application/pdf",
                                  filename=f"{spec.external_id}-packing-slip.pdf")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with services.sessions() as session:
        order = session.get(Order, order_id)
        order.packing_slip_key = key
        session.commit()
    return key
