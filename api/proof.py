"""QA's zoomable soft proof: the Deep Zoom tiles, descriptors and source previews the worker stored
(`queues/proof_job.py`, keys under `storage.keys.proof_prefix`). Served, never rendered here."""

from __future__ import annotations

import json

from apiflask import APIBlueprint
from flask import Response, send_file, url_for

from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem
from api.views import get_job
from storage.keys import proof_prefix

bp = APIBlueprint("proof", __name__, tag="Jobs")
ALL = roles("shop", "production", "qa")
IMMUTABLE = "private, max-age=86400, immutable"  # a version's tiles never change


def _prefix(job_id: str) -> str:
    svc = services()
    with svc.sessions() as session:
        job = get_job(session, caller().brand, job_id)
        return proof_prefix(job.brand, job.item.order_id, job.item_id, job.version)


def _open(job_id: str, key: str):
    try:
        return services().storage.open(key)
    except KeyError:
        raise Problem(404, "no-proof", f"Job {job_id} has no zoomable proof here (made by the worker for "
                      "jobs that go to QA).", values={"job": job_id}) from None


def _file(job_id: str, name: str, mimetype: str) -> Response:
    response = send_file(_open(job_id, f"{_prefix(job_id)}/{name}"), mimetype=mimetype, max_age=0)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/v1/jobs/<job_id>/proof")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="QA's zoomable proof: per photo slot its size at print resolution, its pyramid and where "
        "trim, safe zone and folds lie (mm)", responses={200: {"description": "JSON manifest"},
                                                          404: "No proof (not a QA job, or not rendered)"})
def proof_manifest(job_id: str):
    with _open(job_id, f"{_prefix(job_id)}/manifest.json") as handle:
        manifest = json.loads(handle.read())
    for slot in manifest.get("slots", []):
        n = slot["index"]
        slot["links"] = {
            "dzi": url_for("proof.slot_dzi", job_id=job_id, slot=n),
            "tiles": url_for("proof.slot_tile", job_id=job_id, slot=n, level=0, col=0, row=0)
            .replace("/0/0_0.jpg", "/{level}/{col}_{row}.jpg"),
            "source": url_for("proof.slot_source", job_id=job_id, slot=n) if slot.get("source") else None,
        }
    return Response(json.dumps(manifest), mimetype="application/json", headers={"Cache-Control": "no-store"})


@bp.get("/v1/jobs/<job_id>/proof.dzi")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="Deep Zoom descriptor of the first slot's soft proof",
        responses={200: {"description": "XML", "content": {"application/xml": {}}}})
def proof_dzi(job_id: str):
    return _file(job_id, "s0.dzi", "application/xml")


@bp.get("/v1/jobs/<job_id>/proof/<int:slot>.dzi")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="Deep Zoom descriptor of one slot's soft proof",
        responses={200: {"description": "XML", "content": {"application/xml": {}}}})
def slot_dzi(job_id: str, slot: int):
    return _file(job_id, f"s{slot}.dzi", "application/xml")


@bp.get("/v1/jobs/<job_id>/proof/tiles/<int:level>/<int:col>_<int:row>.jpg")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="A tile of the first slot's soft proof (Deep Zoom layout; the last level is 1:1 print pixels)",
        responses={200: {"description": "JPEG", "content": {"image/jpeg": {}}}})
def proof_tile(job_id: str, level: int, col: int, row: int):
    return _file(job_id, f"s0_files/{level}/{col}_{row}.jpg", "image/jpeg")


@bp.get("/v1/jobs/<job_id>/proof/<int:slot>/tiles/<int:level>/<int:col>_<int:row>.jpg")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="A tile of one slot's soft proof", responses={200: {"description": "JPEG",
                                                                     "content": {"image/jpeg": {}}}})
def slot_tile(job_id: str, slot: int, level: int, col: int, row: int):
    return _file(job_id, f"s{slot}_files/{level}/{col}_{row}.jpg", "image/jpeg")


@bp.get("/v1/jobs/<job_id>/proof/<int:slot>/source.jpg")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="The slot's source photo as uploaded (upright, sRGB, long edge 1600 px)",
        responses={200: {"description": "JPEG", "content": {"image/jpeg": {}}}})
def slot_source(job_id: str, slot: int):
    return _file(job_id, f"s{slot}-source.jpg", "image/jpeg")
