"""`printline impose` through printline.cli.main, as production staff would run it."""

from __future__ import annotations

import json
import shutil

import pikepdf
import pytest

from printline.cli import main
from tests.printfiles.impose_cards import card_file


@pytest.fixture(scope="module")
def cards(catalogue, tmp_path_factory):
    root = tmp_path_factory.mktemp("impose-cli")
    folded = shutil.copy(card_file(catalogue, "card-a6-folded", root), root / "birthday.pdf")
    din = shutil.copy(card_file(catalogue, "invitation-din-long", root), root / "wedding.pdf")
    fogra39 = card_file(catalogue, "card-a6-flat", root, product_changes={"output_profile": "FOGRA39"})
    coated = shutil.copy(fogra39, root / "coated.pdf")
    return folded, din, coated


def test_impose_with_quantities_and_a_sheet_override(cards, tmp_path, capsys):
    folded, din, _ = cards
    out = tmp_path / "sheets.pdf"
    code = main(["impose", "--out", str(out), "--sheet", "488x330", "--run-id", "cli1",
                 f"{folded}:3", str(din), "--quantity", "5"])
    assert code == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    assert report["per_sheet"] == {"card-a6-folded": 2, "invitation-din-long": 4}
    assert report["sheet_count"] == 4  # 3 folded: 2 + 1; 5 invitations: 4 + 1
    assert [(p["sheet"], p["side"]) for p in report["pages"]] == [
        (n, side) for n in (1, 2, 3, 4) for side in ("front", "back")]
    assert report["pages"][0]["sheet_id"] == "S-cli1-001"
    assert report["pages"][4]["cards"] == ["wedding.pdf"] * 4
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 8
        media = [float(v) * 25.4 / 72 for v in pdf.pages[0].obj.MediaBox]
        assert media == pytest.approx([0, 0, 330, 488], abs=1e-3)  # short edge x long edge


def test_mixed_output_conditions_exit_1_naming_them(cards, tmp_path, capsys):
    folded, _, coated = cards
    code = main(["impose", "--out", str(tmp_path / "x.pdf"), str(folded), str(coated)])
    err = capsys.readouterr().err
    assert code == 1
    assert "FOGRA39: coated.pdf" in err and "FOGRA47: birthday.pdf" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_bad_arguments_are_one_line_errors(cards, tmp_path, capsys):
    folded, _, _ = cards
    assert main(["impose", "--out", str(tmp_path / "x.pdf"), "--printer", "poster-inkjet", str(folded)]) == 1
    assert "prints one page per sheet" in capsys.readouterr().err
    assert main(["impose", "--out", str(tmp_path / "x.pdf"), "--sheet", "A3", str(folded)]) == 1
    assert "WIDTHxHEIGHT" in capsys.readouterr().err
    assert main(["impose", "--out", str(tmp_path / "x.pdf"), "--printer", "nope", str(folded)]) == 1
    assert "unknown printer 'nope'" in capsys.readouterr().err
