"""`POST /v1/uploads`: take an original image, probe its header, store it content-addressed."""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
from pathlib import Path
from typing import IO, TYPE_CHECKING

from apiflask import APIBlueprint
from flask import request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem
from api.schemas import UploadOut
from orders.db.models import Upload
from render.probe import ProbeError, probe_image
from storage.disposition import clean_filename
from storage.keys import upload_key

if TYPE_CHECKING:
    from api.context import ApiServices as Services

bp = APIBlueprint("uploads", __name__, tag="Uploads")
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
    return UploadOut(id=upload.id, sha256=upload.sha256, width=upload.width, height=upload.height,
                     upright_width=upload.upright_width, upright_height=upload.upright_height,
                     format=upload.format, size=upload.size, created_at=upload.created_at)


@bp.post("/v1/uploads")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.output(UploadOut, status_code=201, description="Stored (200 when the same image was stored before).")
@bp.doc(summary="Upload an original image",
        description="The image as the raw body (`Content-Type: image/*`) or as multipart/form-data with a "
        "`file` field. The header is probed: not an image, a truncated file or more pixels than the limit "
        "is a 4xx problem and nothing is stored.", responses={200: "Already stored", 413: "Too large",
                                                              415: "Not an image body", 422: "Not printable"})
def create_upload():
    svc, who = services(), caller()
    stream, raw_filename = _body()
    filename = _filename(raw_filename)
    tmp_dir = svc.settings.var_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    path, sha256, size = _spool(stream, tmp_dir, svc.settings.max_upload_bytes)
    try:
        try:
            info = probe_image(path, max_pixels=svc.settings.max_pixels,
                               max_decode_bytes=svc.settings.max_decode_bytes, max_pages=svc.settings.max_pages)
        except ProbeError as exc:
            raise Problem(422, exc.code, str(exc)) from exc
        with svc.sessions() as session:
            existing = session.scalar(select(Upload).where(Upload.brand == who.brand, Upload.sha256 == sha256))
            if existing is not None:
                return _out(existing), 200
        key = upload_key(who.brand, sha256)
        content_type = CONTENT_TYPES[info.format]
        svc.storage.put_file(key, path, content_type=content_type, filename=filename)
        try:
            return _record(svc, who.brand, Upload(
                brand=who.brand, sha256=sha256, storage_key=key, size=size, content_type=content_type,
                format=info.format, width=info.width, height=info.height,
                upright_width=info.upright_width, upright_height=info.upright_height,
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
            existing = session.scalar(select(Upload).where(Upload.brand == brand,
                                                           Upload.sha256 == upload.sha256))
            return _out(existing), 200
    return _out(upload)
