"""`printline render` with several inputs: each into DIR/NAME/, one process, progress, summary, exit codes.

On a real terminal (a pseudo-terminal, not a patched isatty) rich draws a progress bar and the
summary; through a pipe one JSON line per file and the summary. A photo whose data ends early,
which only the render's complete-data check catches (the command reads headers alone before it
validates), is reported while the others render."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys

import pytest

from printline.cli import main
from tests import imagegen

CLI = [sys.executable, "-m", "printline.cli"]
PRODUCT = "poster-20x30"
STAMP = ["--created-at", "2026-11-24T12:00:00Z", "--job-id", "job_b"]


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def photos(tmp_path):
    return [imagegen.photo_jpeg(tmp_path / f"{name}.jpg", 400, 600) for name in ("alpha", "beta")]


def test_two_images_render_each_into_their_own_folder(tmp_path, photos, capsys):
    out = tmp_path / "out"
    code = main(["render", "--product", PRODUCT, "--image", str(photos[0]), "--image", str(photos[1]),
                 "--out", str(out), *STAMP])
    assert code == 0
    *files, last = _lines(capsys.readouterr().out)
    assert [f["source"] for f in files] == [str(p) for p in photos]
    for name, line in zip(("alpha", "beta"), files, strict=True):
        folder = out / name
        assert line["printfile"] == str(folder / "printfile.pdf") and line["verdict"] in ("ok", "warn", "fail")
        assert {p.name for p in folder.iterdir()} == {"printfile.pdf", "preview.jpg", "overlay.jpg", "report.json"}
    summary = last["summary"]
    assert summary["files"] == summary["rendered"] == 2 and summary["failed"] == 0
    assert sum(summary["verdicts"].values()) == 2
    assert not (out / "printfile.pdf").exists()


def test_a_file_that_fails_is_reported_and_the_others_still_render(tmp_path, photos, capsys):
    broken = tmp_path / "broken.jpg"
    broken.write_text("not a photo")
    out = tmp_path / "out"
    code = main(["render", "--product", PRODUCT, "--image", str(photos[0]), "--image", str(broken),
                 "--image", str(photos[1]), "--out", str(out), *STAMP])
    assert code == 1
    *files, last = _lines(capsys.readouterr().out)
    assert "not an image" in files[1]["error"] and "printfile" not in files[1]
    assert (out / "alpha" / "printfile.pdf").exists() and (out / "beta" / "printfile.pdf").exists()
    assert not (out / "broken" / "printfile.pdf").exists()
    assert last["summary"]["failed"] == 1 and last["summary"]["rendered"] == 2


def test_a_truncated_photo_is_reported_by_the_render_and_the_others_still_render(tmp_path, photos, capsys):
    cut = imagegen.photo_jpeg(tmp_path / "cut.jpg", 400, 600)
    whole = cut.read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])  # header intact, the entropy-coded data ends early
    out = tmp_path / "out"
    code = main(["render", "--product", PRODUCT, "--image", str(photos[0]), "--image", str(cut),
                 "--image", str(photos[1]), "--out", str(out), *STAMP])
    assert code == 1
    first, failed, last, end = _lines(capsys.readouterr().out)
    assert failed["source"] == str(cut) and "truncated" in failed["error"] and "printfile" not in failed
    assert (out / "alpha" / "printfile.pdf").exists() and (out / "beta" / "printfile.pdf").exists()
    assert not (out / "cut" / "printfile.pdf").exists()
    verdicts = [first["verdict"], last["verdict"]]
    assert end["summary"] == {"files": 3, "rendered": 2, "failed": 1,
                              "verdicts": {v: verdicts.count(v) for v in ("ok", "warn", "fail")}}


def test_several_specs_and_files_of_the_same_name(tmp_path, photos, capsys):
    specs = []
    for folder, mode in (("one", "fill"), ("two", "fit")):
        (tmp_path / folder).mkdir()
        photo = imagegen.photo_jpeg(tmp_path / folder / "photo.jpg", 400, 600)
        spec = tmp_path / folder / "item.json"
        spec.write_text(json.dumps({"product": PRODUCT, "image": {"upload_id": photo.name, "mode": mode}}))
        specs.append(spec)
    out = tmp_path / "out"
    code = main(["render", "--spec", str(specs[0]), "--spec", str(specs[1]), "--out", str(out), *STAMP])
    assert code == 0
    *files, last = _lines(capsys.readouterr().out)
    assert [f["out"] for f in files] == [str(out / "item"), str(out / "item-2")]
    assert (out / "item" / "report.json").exists() and (out / "item-2" / "report.json").exists()
    assert last["summary"]["rendered"] == 2


def test_one_image_keeps_the_single_layout(tmp_path, photos, capsys):
    out = tmp_path / "out"
    assert main(["render", "--product", PRODUCT, "--image", str(photos[0]), "--out", str(out), *STAMP]) == 0
    (line,) = _lines(capsys.readouterr().out)
    assert line["printfile"] == str(out / "printfile.pdf") and (out / "report.json").exists()
    assert "summary" not in line


def test_usage_errors_exit_2(tmp_path, photos, capsys):
    assert main(["render", "--image", str(photos[0]), "--image", str(photos[1]), "--out", str(tmp_path)]) == 2
    assert main(["render", "--product", "poster-1x1", "--image", str(photos[0]), "--image", str(photos[1]),
                 "--out", str(tmp_path)]) == 2
    assert "unknown product" in capsys.readouterr().err
    assert main(["render", "--out", str(tmp_path)]) == 2


def test_on_a_terminal_a_progress_bar_follows_the_stages(tmp_path, photos, monkeypatch, capsys):
    from printline import render_cmd

    seen: list[tuple[int, str]] = []
    real = render_cmd._Renderer.render

    def spy(self, item, out, on_progress=None):
        def both(percent, stage):
            seen.append((percent, stage))
            on_progress(percent, stage)

        return real(self, item, out, on_progress=both)

    monkeypatch.setattr(render_cmd._Renderer, "render", spy)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code = main(["render", "--product", PRODUCT, "--image", str(photos[0]), "--image", str(photos[1]),
                 "--out", str(tmp_path / "out"), *STAMP])
    captured = capsys.readouterr()
    assert code == 0
    assert "2 of 2 rendered" in captured.err and "alpha.jpg" in captured.err
    assert seen and seen[-1] == (100, "done") and any(stage == "encode" for _, stage in seen)
    assert _lines(captured.out)[-1]["summary"]["rendered"] == 2


def _read_all(fd: int, proc: subprocess.Popen, timeout: float = 120.0) -> bytes:
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=timeout)
    return b"".join(chunks)


def test_the_command_on_a_real_terminal_draws_the_bar_and_the_summary(tmp_path, photos):
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    env.pop("CI", None)  # rich draws no live bar when it believes it runs under CI
    proc = subprocess.Popen([*CLI, "render", "--product", PRODUCT, "--image", str(photos[0]), "--image",
                             str(photos[1]), "--out", str(tmp_path / "out"), *STAMP],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    try:
        screen = _read_all(leader, proc).decode(errors="replace")
    finally:
        os.close(leader)
    stdout = proc.stdout.read().decode()
    assert proc.returncode == 0, screen
    assert "━" in screen  # rich's bar
    assert "alpha.jpg" in screen and "beta.jpg" in screen
    assert "2 of 2 rendered" in screen and "0 failed" in screen
    (summary,) = _lines(stdout)  # on a terminal the files are told there; stdout has the summary only
    assert summary["summary"]["rendered"] == 2
    assert (tmp_path / "out" / "alpha" / "printfile.pdf").exists()


def test_the_command_itself_in_one_process(tmp_path, photos):
    """The console command: a batch through a pipe prints one line per file and the summary."""
    done = subprocess.run([*CLI, "render", "--product", PRODUCT, "--image", str(photos[0]), "--image",
                           str(photos[1]), "--out", str(tmp_path / "out"), *STAMP], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = _lines(done.stdout)
    assert len(lines) == 3 and lines[-1]["summary"]["rendered"] == 2
