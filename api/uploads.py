"""`POST /v1/uploads`: take an original image, probe its header, store it content-addressed; or take
its URL and fetch it in the background (`api.fetch`), through the same probe into the same storage."""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

import structlog
from apiflask import APIBlueprint
from flask import current_app, request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from api.auth import bearer, roles
from api.context import caller, services
from api.fetch import Fetcher, FetchFailed, fetch_url, vetter
from api.problems import Problem
from api.schemas import UploadOut
from records.models import Upload
from queues.webhooks.addresses import UrlRefused
from render.probe import ProbeError, probe_image
from storage.disposition import clean_filename
from storage.keys import upload_key

if TYPE_CHECKING:
    from api.context import ApiServices as Services

bp = APIBlueprint("uploads", __name__, tag="Uploads")
log = structlog.get_logger(__name__)
FETCHER = "printline.url_fetcher"
STALE_AFTER = timedelta(seconds=60)  # beyond the fetch's own time limit: its process is gone
CHUNK = 1024 * 1024
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "webp": "image/webp",
                 "heif": "image/heif", "gif": "image/gif"}
MAX_FILENAME = 255  # characters; the column and most file systems take no more


def _filename(raw: str | None) -> str | None:
    """The customer's file name as stored: its last path part, no control or format characters, at
    most 255 characters (the extension kept); None when nothing usable is left ('..', '/', '')."""
    if not raw:
        return None
    printable = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    try:
        name = clean_filename(printable)
    except ValueError:
        return None
    if len(name) > MAX_FILENAME:
        stem, dot, suffix = name.rpartition(".")
        suffix = f".{suffix}" if dot and stem and len(suffix) <= 16 else ""
        name = name[: MAX_FILENAME - len(suffix)].rstrip() + suffix
    return name


def _body() -> tuple[IO[bytes], str | None]:
    """The image stream and its file name, from a raw `image/*` body or a multipart `file` field."""
    mimetype = request.mimetype or ""
    if mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Problem(400, "missing-file", "Send the image in a multipart field named `file`.")
        return upload.stream, upload.filename
    if mimetype.startswith("image/") or mimetype == "application/octet-stream":
        return request.stream, request.headers.get("X-Filename")
    raise Problem(415, "unsupported-media-type",
                  "Send the image as the raw body with an image/* Content-Type, or as multipart/form-data.")


def _spool(stream: IO[bytes], folder: Path, limit: int) -> tuple[Path, str, int]:
    """Copy the stream to a temporary file while hashing it, refusing more than `limit` bytes."""
    digest, size = hashlib.sha256(), 0
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix="upload-", delete=False)
    with handle:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                handle.close()
                Path(handle.name).unlink(missing_ok=True)
                raise Problem(413, "upload-too-large", f"The upload is larger than {limit:,} bytes.")
            digest.update(chunk)
            handle.write(chunk)
    return Path(handle.name), digest.hexdigest(), size


def _out(upload: Upload) -> UploadOut:
    return UploadOut(id=upload.id, state=upload.state, sha256=upload.sha256, width=upload.width,
                     height=upload.height, upright_width=upload.upright_width,
                     upright_height=upload.upright_height, format=upload.format, size=upload.size,
                     source_url=upload.source_url, failure_code=upload.failure_code, failure=upload.failure,
                     created_at=upload.created_at)


def _probe(svc: Services, path: Path):
    try:
        return probe_image(path, max_pixels=svc.settings.max_pixels,
                           max_decode_bytes=svc.settings.max_decode_bytes, max_pages=svc.settings.max_pages)
    except ProbeError as exc:
        raise Problem(422, exc.code, str(exc)) from exc


def _probed(info, sha256: str, key: str, size: int) -> dict:
    """The columns a probe fills, the same for a direct and a URL upload."""
    return {"sha256": sha256, "storage_key": key, "size": size, "content_type": CONTENT_TYPES[info.format],
            "format": info.format, "width": info.width, "height": info.height,
            "upright_width": info.upright_width, "upright_height": info.upright_height}


@bp.post("/v1/uploads")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.output(UploadOut, status_code=201, description="Stored (200 when the same image was stored before).")
@bp.doc(summary="Upload an original image",
        description="The image as the raw body (`Content-Type: image/*`) or as multipart/form-data with a "
        "`file` field. The header is probed: not an image, a truncated file or more pixels than the limit "
        "is a 4xx problem and nothing is stored. Or JSON `{\"url\": \"https://…\"}`: 202 with the upload "
        "`fetching`; it is fetched in the background (public addresses only, at most 3 redirects, the size "
        "and a time limit), probed the same way, and `GET /v1/uploads/{id}` then says `ready` or `failed` "
        "with the reason. An order may name it once `ready`.",
        responses={200: "Already stored", 202: "Fetching from the URL", 413: "Too large",
                   415: "Not an image body", 422: "Not printable, or a URL that may not be fetched",
                   503: "Too many URL uploads being fetched"})
def create_upload():
    svc, who = services(), caller()
    if (request.mimetype or "") == "application/json":
        return _from_url(svc, who.brand)
    stream, raw_filename = _body()
    filename = _filename(raw_filename)
    tmp_dir = svc.settings.var_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    path, sha256, size = _spool(stream, tmp_dir, svc.settings.max_upload_bytes)
    try:
        info = _probe(svc, path)
        with svc.sessions() as session:
            existing = session.scalar(select(Upload).where(Upload.brand == who.brand, Upload.sha256 == sha256,
                                                           Upload.source_url.is_(None)))
            if existing is not None:
                # The row outlived its object (a bucket restored or emptied by a lifecycle rule): the
                # same bytes are here, so store them again rather than answer with a source that a
                # render would then find missing.
                if not svc.storage.exists(existing.storage_key):
                    svc.storage.put_file(existing.storage_key, path, content_type=existing.content_type,
                                         filename=filename)
                return _out(existing), 200
        key = upload_key(who.brand, sha256)
        svc.storage.put_file(key, path, content_type=CONTENT_TYPES[info.format], filename=filename)
        try:
            return _record(svc, who.brand, Upload(brand=who.brand, **_probed(info, sha256, key, size),
                                                  filename=filename, created_at=svc.clock.now()))
        except Exception:  # not recorded: take the stored object back rather than leave an orphan
            svc.storage.delete(key)
            raise
    finally:
        path.unlink(missing_ok=True)


def _record(svc: Services, brand: str, upload: Upload) -> UploadOut | tuple[UploadOut, int]:
    """Insert the row; the existing one (200) when the same image was stored at the same moment."""
    with svc.sessions() as session:
        session.add(upload)
        try:
            session.commit()
        except IntegrityError:  # the same image, uploaded twice at once
            session.rollback()
            existing = session.scalar(select(Upload).where(Upload.brand == brand, Upload.sha256 == upload.sha256,
                                                           Upload.source_url.is_(None)))
            return _out(existing), 200
    return _out(upload)


# ---------------------------------------------------------------- upload by URL

def _fetcher(svc: Services) -> Fetcher:
    """The API process's fetch pool, made on first use."""
    extensions = current_app.extensions
    if FETCHER not in extensions:
        extensions.setdefault(FETCHER, Fetcher(svc.settings.url_fetch_threads, svc.settings.url_fetch_queue))
    return extensions[FETCHER]


def _from_url(svc: Services, brand: str):
    body = request.get_json(silent=True)
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url or len(url) > 2000 or set(body) != {"url"}:
        raise Problem(422, "invalid-request", "Send {\"url\": \"https://…\"}: the image's URL, nothing else.",
                      errors=[{"field": "url", "message": "An https URL of at most 2000 characters."}],
                      values={"count": 1})
    try:  # refused at once when it cannot be fetched anyway; every hop is vetted again while fetching
        vetter(svc.settings.uploads_allow_private)(url)
    except UrlRefused as exc:
        raise Problem(422, exc.code, exc.message, errors=[{"field": "url", "message": exc.message}]) from exc
    now = svc.clock.now()
    with svc.sessions() as session:
        upload = Upload(brand=brand, state="fetching", source_url=url, created_at=now, updated_at=now)
        session.add(upload)
        session.commit()
    if not _fetcher(svc).submit(lambda: fetch_upload(svc, upload.id, url)):
        _finish(svc, upload.id, state="failed", failure_code="busy", failure="Too many images are being "
                "fetched; send the URL again in a minute.")
        raise Problem(503, "fetch-busy", "Too many images are being fetched; send the URL again in a minute.",
                      headers={"Retry-After": "30"})
    return _out(upload), 202


def _finish(svc: Services, upload_id: str, **values) -> None:
    with svc.sessions() as session:
        session.execute(update(Upload).where(Upload.id == upload_id, Upload.state == "fetching")
                        .values(updated_at=svc.clock.now(), **values))
        session.commit()


def fetch_upload(svc: Services, upload_id: str, url: str) -> None:
    """The background step: fetch, probe exactly like a direct upload, store under the content's key,
    and mark the upload `ready` (or `failed` with the reason). Never raises."""
    settings, bound = svc.settings, log.bind(upload_id=upload_id)
    folder = settings.var_dir / "tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        got = fetch_url(url, folder, vet=vetter(settings.uploads_allow_private),
                        max_bytes=settings.max_upload_bytes, timeout=settings.url_fetch_timeout_seconds)
    except FetchFailed as exc:
        bound.info("url_upload_failed", code=exc.code)
        return _finish(svc, upload_id, state="failed", failure_code=exc.code, failure=exc.message)
    except Exception:  # noqa: BLE001 - the record must not stay `fetching`
        bound.exception("url_upload_error")
        return _finish(svc, upload_id, state="failed", failure_code="internal-error",
                       failure="The image could not be fetched because of an error on our side.")
    try:
        with svc.sessions() as session:
            brand = session.scalar(select(Upload.brand).where(Upload.id == upload_id))
        try:
            info = _probe(svc, got.path)
        except Problem as exc:
            return _finish(svc, upload_id, state="failed", failure_code=exc.code, failure=exc.detail)
        key = upload_key(brand, got.sha256)
        if not svc.storage.exists(key):
            svc.storage.put_file(key, got.path, content_type=CONTENT_TYPES[info.format],
                                 filename=_filename(got.filename))
        _finish(svc, upload_id, state="ready", filename=_filename(got.filename),
                **_probed(info, got.sha256, key, got.size))
        bound.info("url_upload_ready", sha256=got.sha256, size=got.size)
    except Exception:  # noqa: BLE001
        bound.exception("url_upload_error")
        _finish(svc, upload_id, state="failed", failure_code="internal-error",
                failure="The image could not be stored because of an error on our side.")
    finally:
        got.path.unlink(missing_ok=True)


@bp.get("/v1/uploads/<upload_id>")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.output(UploadOut)
@bp.doc(summary="An upload: `ready` with its probe, `fetching` (a URL upload on its way) or `failed`")
def read_upload(upload_id: str):
    svc = services()
    with svc.sessions() as session:
        upload = session.scalar(select(Upload).where(Upload.id == upload_id, Upload.brand == caller().brand))
    if upload is None:
        raise Problem(404, "upload-not-found", f"No upload {upload_id!r} for this brand.")
    limit = timedelta(seconds=svc.settings.url_fetch_timeout_seconds) + STALE_AFTER
    if upload.state == "fetching" and svc.clock.now() - (upload.updated_at or upload.created_at) > limit:
        _finish(svc, upload.id, state="failed", failure_code="fetch-interrupted",
                failure="The fetch was interrupted (the server restarted); send the URL again.")
        with svc.sessions() as session:
            upload = session.get(Upload, upload.id)
    return _out(upload)
