"""`printfiles.pdfx`: the PDF/X-4 structure (output intent with the product's profile, info dictionary,
XMP packet, Trapped) derived from the inputs only — ids are uuid5 of job and version, dates the job's,
in UTC — so the same job gives the same bytes."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pikepdf

from printfiles.pdfx import DocInfo, apply_pdfx4, escape, ids_for, pdf_date, save_pdfx, xmp_date, xmp_packet
from profiles.icc import output_profile

BERLIN_WINTER = timezone(timedelta(hours=1))


def _info(**changes) -> DocInfo:
    document, instance = ids_for("job_1", 1)
    base = DocInfo(title="myposter MP-1 item 1", producer="Printline", creator="Printline render",
                   created_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC), document_id=document,
                   instance_id=instance, version=1)
    return replace(base, **changes)


def test_ids_are_the_job_for_the_document_and_the_version_for_the_instance():
    document, instance = ids_for("job_1", 1)
    assert ids_for("job_1", 1) == (document, instance)  # no randomness
    assert ids_for("job_1", 2)[0] == document and ids_for("job_1", 2)[1] != instance
    assert ids_for("job_2", 1)[0] != document
    assert document.version == instance.version == 5 and isinstance(document, uuid.UUID)


def test_dates_are_utc_whatever_zone_they_come_in():
    local = datetime(2026, 1, 5, 13, 30, 15, tzinfo=BERLIN_WINTER)
    assert pdf_date(local) == "D:20260105123015+00'00'"
    assert xmp_date(local) == "2026-01-05T12:30:15Z"
    assert xmp_date(datetime(2026, 1, 5, 13, 30, 15)) == "2026-01-05T13:30:15Z"  # naive is taken as UTC


def test_the_xmp_packet_escapes_text_and_says_pdfx4():
    assert escape('Tom & "Jerry" <3') == 'Tom &amp; "Jerry" &lt;3'
    xmp = xmp_packet(_info(title="Anna & <Ben>", version=3)).decode()
    assert "<rdf:li xml:lang=\"x-default\">Anna &amp; &lt;Ben&gt;</rdf:li>" in xmp
    assert "<xmpMM:VersionID>3</xmpMM:VersionID>" in xmp
    assert f"<xmpMM:DocumentID>uuid:{ids_for('job_1', 1)[0]}</xmpMM:DocumentID>" in xmp
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert xmp.startswith("<?xpacket begin=") and xmp.endswith('<?xpacket end="w"?>')


def test_apply_and_save_give_the_same_bytes_for_the_same_inputs(tmp_path):
    profile = output_profile("FOGRA39")

    def write(name: str, info: DocInfo) -> bytes:
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(200, 300))
        apply_pdfx4(pdf, profile, info)
        save_pdfx(pdf, tmp_path / name)
        return (tmp_path / name).read_bytes()

    first, again = write("a.pdf", _info()), write("b.pdf", _info())
    assert first == again
    assert write("c.pdf", _info(title="other")) != first
    with pikepdf.open(tmp_path / "a.pdf") as pdf:
        assert pdf.pdf_version == "1.6"
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == profile.condition_identifier
        assert str(intent.RegistryName) == profile.registry
        assert intent.DestOutputProfile.read_bytes() == profile.data()
        assert str(pdf.trailer.Info.ModDate) == str(pdf.trailer.Info.CreationDate) == "D:20261124120000+00'00'"
        assert re.search(rb"/Type /ObjStm", (tmp_path / "a.pdf").read_bytes()) is None  # no object streams


def test_pdfx4_structure(build, meta):
    result = build("poster-50x70")
    profile = output_profile("FOGRA39")
    with pikepdf.open(result.printfile) as pdf:
        assert pdf.pdf_version >= "1.6"
        info = pdf.trailer.Info
        assert str(info.GTS_PDFXVersion) == "PDF/X-4"
        assert info.Trapped == pikepdf.Name("/False")
        assert str(info.CreationDate) == "D:20261124120000+00'00'"
        for word in ("myposter", meta.order_ref, f"item {meta.item_ref}"):
            assert word in str(info.Title)
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.read_bytes() == profile.data()
        assert int(intent.DestOutputProfile.N) == 4
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "/Filter" not in pdf.Root.Metadata.stream_dict  # XMP stays readable
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert re.search(r"<xmpMM:DocumentID>uuid:[0-9a-f-]{36}</xmpMM:DocumentID>", xmp)
    assert re.search(r"<xmpMM:InstanceID>uuid:[0-9a-f-]{36}</xmpMM:InstanceID>", xmp)
    assert "<xmp:CreateDate>2026-11-24T12:00:00Z</xmp:CreateDate>" in xmp
    assert "<pdf:Producer>" in xmp and "<pdf:Trapped>False</pdf:Trapped>" in xmp
    assert meta.order_ref in xmp
    pre = result.report.preflight
    assert pre.pdfx.info_version == pre.pdfx.xmp_version == "PDF/X-4"
    assert pre.output_intents[0].matches_product is True
    assert [f.code for f in pre.findings] == []


def test_same_inputs_give_identical_bytes(build, meta, tmp_path):
    first = build("poster-30x40", out=tmp_path / "a").printfile.read_bytes()
    second = build("poster-30x40", out=tmp_path / "b").printfile.read_bytes()
    assert first == second
    third = build("poster-30x40", out=tmp_path / "c", meta_=replace(meta, version=2)).printfile
    with pikepdf.open(third) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
    ids = re.findall(rb"<xmpMM:(?:Document|Instance)ID>uuid:([0-9a-f-]+)<", first)
    new_ids = re.findall(r"<xmpMM:(?:Document|Instance)ID>uuid:([0-9a-f-]+)<", xmp)
    assert ids[0].decode() == new_ids[0]  # same job: same document
    assert ids[1].decode() != new_ids[1]  # new render version: new instance
