"""`printline render` of one item: DIR/printfile.pdf, preview.jpg, report.json and one JSON line; the
input's faults as a reason and exit code 1, usage as 2; a spec file and the option flags give the same
file."""

from __future__ import annotations

import json
import subprocess
import sys

import pikepdf
import pytest

from printline.cli import build_parser
from printline.render_cmd import FAILED, USAGE, cmd_render
from printline.settings import Settings
from tests import imagegen

CLI = [sys.executable, "-m", "printline.cli"]
PT_PER_MM = 72 / 25.4


def _args(tmp_path, *argv: str):
    """What `printline render ARGV --out DIR` parses into."""
    return build_parser().parse_args(["render", *argv, "--out", str(tmp_path / "out"), "--job-id", "job_cli"])


def test_usage_and_an_unknown_product_exit_2(tmp_path, capsys):
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 200, 300)
    settings = Settings(var_dir=tmp_path / "var")
    assert cmd_render(_args(tmp_path), settings) == USAGE
    assert cmd_render(_args(tmp_path, "--image", str(photo)), settings) == USAGE
    assert cmd_render(_args(tmp_path, "--image", str(photo), "--spec", str(tmp_path / "item.json")),
                      settings) == USAGE  # a spec names its product; an image needs --product
    assert cmd_render(_args(tmp_path, "--product", "poster-1x1", "--image", str(photo)), settings) == USAGE
    err = capsys.readouterr().err
    assert "give --product and --image, or --spec" in err and "--image needs --product" in err
    assert "unknown product 'poster-1x1'" in err
    assert not (tmp_path / "out").exists()


def test_one_image_renders_into_the_folder_and_prints_one_json_line(tmp_path, capsys):
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 200, 300)
    code = cmd_render(_args(tmp_path, "--product", "poster-20x30", "--image", str(photo)),
                      Settings(var_dir=tmp_path / "var"))
    assert code == 0
    [line] = capsys.readouterr().out.splitlines()
    fields = json.loads(line)
    assert set(fields) == {"printfile", "preview", "report", "verdict"}
    assert fields["printfile"] == str(tmp_path / "out" / "printfile.pdf")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["verdict"] == fields["verdict"] and report["job_id"] == "job_cli"


def test_a_spec_that_is_not_json_is_a_reason(tmp_path, capsys):
    (tmp_path / "item.json").write_text("{nope")
    code = cmd_render(_args(tmp_path, "--spec", str(tmp_path / "item.json")), Settings(var_dir=tmp_path / "var"))
    assert code == FAILED and "item.json" in capsys.readouterr().err


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


def test_a_render_does_not_import_structlog_and_the_services_do(tmp_path):
    """An offline command logs through the standard library only (printline.logs): structlog and
    the rich it picks up for tracebacks were ~0.08 s and ~18 MB of a one-off render's start-up."""
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 200, 300)
    probe = (
        "import sys; from printline.cli import main; code = main(sys.argv[1:]); "
        "print(code, 'structlog' in sys.modules, 'rich' in sys.modules)"
    )
    render = subprocess.run([sys.executable, "-c", probe, "render", "--product", "poster-20x30", "--image",
                             str(photo), "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert render.stdout.splitlines()[-1] == "0 False False", render.stderr
    service = subprocess.run([sys.executable, "-c", "import sys; from printline.logs import configure_logging; "
                              "configure_logging('INFO'); print('structlog' in sys.modules)"],
                             capture_output=True, text=True, timeout=60)
    assert service.stdout.strip() == "True", service.stderr
