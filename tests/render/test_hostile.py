"""The hostile corpus (tests/render/hostile.py) through the upload probe, `printline render` and the
render: each file refused with a clear reason or printed within limits; no crash, traceback or 5xx."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.render import hostile

PRODUCT = "card-a6-flat"  # small raster: the render's cost is the file's, not the product's
PEAK_LIMIT_MB = 500


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> list[hostile.Case]:
    return hostile.corpus(tmp_path_factory.mktemp("hostile"))


def test_corpus_is_large_and_covers_every_kind(cases):
    assert len(cases) >= 40
    assert {c.expect for c in cases} == {"refuse", "render", "either"}


def test_every_upload_is_refused_with_a_reason_or_stored(client, keys, cases):
    headers = keys["myposter", "shop"]
    wrong = []
    for case in cases:
        response = client.post("/v1/uploads", data=case.path.read_bytes(),
                               headers={**headers, "Content-Type": case.content_type,
                                        "X-Filename": case.path.name})
        body = response.get_json(silent=True) or {}
        if response.status_code >= 500:
            wrong.append(f"{case.name}: {response.status_code} {body}")
        elif case.expect == "refuse" and response.status_code < 400:
            wrong.append(f"{case.name}: accepted, should be refused")
        elif case.expect == "render" and response.status_code not in (200, 201):
            wrong.append(f"{case.name}: refused ({body.get('code')}: {body.get('detail')})")
        elif response.status_code >= 400 and not (body.get("code") and body.get("detail")):
            wrong.append(f"{case.name}: {response.status_code} without a problem code and detail")
        elif case.code and response.status_code >= 400 and body.get("code") != case.code:
            wrong.append(f"{case.name}: code {body.get('code')}, expected {case.code}")
    assert not wrong, "\n".join(wrong)


def test_every_file_through_printline_render(cases, tmp_path, capsys):
    """In-process `printline render`: exit 0 with a print file, or exit 1 and one line of reason."""
    from printline.cli import main

    wrong, rendered = [], 0
    for case in cases:
        out = tmp_path / case.name
        try:
            code = main(["render", "--product", PRODUCT, "--image", str(case.path), "--out", str(out)])
        except BaseException as exc:  # noqa: BLE001 - a crash is what this test counts
            wrong.append(f"{case.name}: raised {type(exc).__name__}: {exc}")
            continue
        captured = capsys.readouterr()
        if "Traceback" in captured.err or "Traceback" in captured.out:
            wrong.append(f"{case.name}: traceback\n{captured.err}")
        elif code == 0:
            rendered += 1
            verdict = json.loads(captured.out.strip().splitlines()[-1])["verdict"]
            if case.expect == "refuse":
                wrong.append(f"{case.name}: rendered ({verdict}), should be refused")
            elif not (out / "printfile.pdf").exists():
                wrong.append(f"{case.name}: exit 0 without a print file")
        elif code == 1:
            reason = captured.err.strip()
            if case.expect == "render":
                wrong.append(f"{case.name}: refused: {reason}")
            elif not reason.startswith("printline render: ") or len(reason) < 30:
                wrong.append(f"{case.name}: unclear reason {reason!r}")
        else:
            wrong.append(f"{case.name}: exit {code}: {captured.err}")
    assert not wrong, "\n".join(wrong)
    assert rendered >= 15


def test_accepted_files_render_under_the_memory_limit(cases, tmp_path):
    """Each accepted file is rendered by `printline render` in a child forked from one warmed process
    (imports paid once, ~1.5 s each otherwise); the child's peak RSS from os.wait4 is that file's
    peak, imports included, and must stay under the limit."""
    accepted = [c for c in cases if c.expect in ("render", "either")]
    script = tmp_path / "run.py"
    script.write_text(
        "import json, os, sys\nfrom printline.cli import main\n"
        "import printfiles.build, render.pipeline  # warm: the child pays no import\n"
        "peaks = {}\n"
        f"for i, path in enumerate({[str(c.path) for c in accepted]!r}):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        f"        os._exit(main(['render', '--product', {PRODUCT!r}, '--image', path, '--out', {str(tmp_path)!r} + f'/o{{i}}']))\n"
        "    _, status, usage = os.wait4(pid, 0)\n"
        "    peaks[os.path.basename(path)] = [usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)]\n"
        "print(json.dumps(peaks), file=sys.stderr)\n"
    )
    _, code, err = hostile.peak_rss([sys.executable, str(script)], timeout=120)
    assert code == 0 and "Traceback" not in err, err
    peaks = json.loads(err.strip().splitlines()[-1])
    assert len(peaks) == len(accepted)
    over = {name: round(mb) for name, (mb, _) in peaks.items() if mb >= PEAK_LIMIT_MB}
    assert not over, f"peak RSS over {PEAK_LIMIT_MB} MB: {over}"
    assert all(exit_code in (0, 1) for _, exit_code in peaks.values()), peaks


def test_header_bombs_are_refused_without_decoding(cases):
    """The probe of a 10-gigapixel header takes no time and no memory: it never decodes."""
    import resource
    import time

    from render.probe import ProbeError, probe_image

    bombs = [c for c in cases if c.code in ("too-many-pixels", "decode-too-large")]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    for case in bombs:
        with pytest.raises(ProbeError) as refused:
            probe_image(Path(case.path))
        assert refused.value.code == case.code, case.name
    assert time.perf_counter() - started < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB


def test_the_render_refuses_what_the_probe_refuses(cases):
    """The worker opens sources with `inspect` (no probe before it): the same refusals, as RenderErrors."""
    from render.errors import RenderError
    from render.source import inspect

    for case in cases:
        if case.expect == "refuse" and case.path.stat().st_size:
            with pytest.raises(RenderError):
                inspect(case.path)
