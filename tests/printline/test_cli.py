"""The `printline` command: products, keys, render (files, parity with the worker, errors)."""

from __future__ import annotations

import json
import subprocess
import sys

import pikepdf
import pytest
from sqlalchemy import select

from printline.cli import main
from tests import imagegen

CLI = [sys.executable, "-m", "printline.cli"]
PT_PER_MM = 72 / 25.4


def test_products_lists_every_catalogue_id(capsys):
    from profiles.catalogue import load_catalogue

    assert main(["products"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert listed == set(load_catalogue().products)
    assert {"poster-50x70", "canvas-120x80", "card-a6-folded", "invitation-din-long"} <= listed


def test_keys_create_prints_the_key_alone_on_the_last_line_and_stores_only_its_hash(tmp_path):
    env = {"PRINTLINE_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([*CLI, "keys", "create", "--brand", "kartenliebe", "--role", "qa"], env=env,
                          capture_output=True, text=True, check=True)
    secret = done.stdout.strip().splitlines()[-1]
    assert secret.startswith("pl_") and " " not in secret and len(secret) > 40
    from api.keys import find_key, hash_secret
    from records.session import make_engine, make_sessionmaker

    sessions = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'printline.sqlite'}"))
    with sessions() as session:
        key = find_key(session, secret)
        assert (key.brand, key.role, key.secret_hash) == ("kartenliebe", "qa", hash_secret(secret))
        from records.models import ApiKey

        assert secret not in str([tuple(r) for r in session.execute(select(ApiKey.__table__))])


def _render(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "render", *args], capture_output=True, text=True)


@pytest.mark.slow
def test_render_writes_printfile_preview_and_report(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "photo.jpg", 1500, 2000)
    out = tmp_path / "out"
    done = _render(["--product", "poster-50x70", "--image", str(photo), "--crop", "0.02,0,0.9333,0.98",
                    "--out", str(out)])
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["verdict"] in ("ok", "warn", "fail")
    with pikepdf.open(out / "printfile.pdf") as pdf:
        trim = [float(v) / PT_PER_MM for v in pdf.pages[0].obj.TrimBox]
        assert round(trim[2] - trim[0], 2) == 500.0 and round(trim[3] - trim[1], 2) == 700.0
        big = max((pikepdf.PdfImage(o) for o in pdf.pages[0].get_images().values()), key=lambda i: i.width)
        assert (big.width, big.height) == (5976, 8339)
    import pyvips

    preview = pyvips.Image.new_from_file(str(out / "preview.jpg"))
    assert max(preview.width, preview.height) == 1200


def test_render_refuses_a_crop_of_the_wrong_aspect(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "photo.jpg", 400, 400)
    done = _render(["--product", "poster-20x30", "--image", str(photo), "--crop", "0,0,1,1", "--out",
                    str(tmp_path / "out")])
    assert done.returncode == 1
    assert "crop aspect" in done.stderr and not (tmp_path / "out" / "printfile.pdf").exists()


def test_render_refuses_what_is_not_an_image(tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_text("not a photo")
    done = _render(["--product", "poster-20x30", "--image", str(fake), "--out", str(tmp_path / "out")])
    assert done.returncode == 1 and "not an image" in done.stderr


def test_render_spec_gives_the_same_pdf_as_the_same_options(tmp_path):
    """`--spec ITEM.json` and the option flags describe the same item: byte-identical print files."""
    photo = imagegen.photo_jpeg(tmp_path / "photo.jpg", 600, 600)
    item = {"product": "card-a6-flat", "quantity": 1,
            "image": {"upload_id": "photo.jpg", "mode": "fit", "background": "#336699"}}
    (tmp_path / "item.json").write_text(json.dumps(item))
    common = ["--created-at", "2026-11-24T12:00:00Z", "--job-id", "job_x", "--order-ref", "KL-1"]
    by_spec = _render(["--spec", str(tmp_path / "item.json"), "--out", str(tmp_path / "a"), *common])
    by_flags = _render(["--product", "card-a6-flat", "--image", str(photo), "--mode", "fit", "--background",
                        "#336699", "--out", str(tmp_path / "b"), *common])
    assert by_spec.returncode == 0, by_spec.stderr
    assert by_flags.returncode == 0, by_flags.stderr
    assert (tmp_path / "a" / "printfile.pdf").read_bytes() == (tmp_path / "b" / "printfile.pdf").read_bytes()
