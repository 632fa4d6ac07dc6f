"""PDF/X-4 document structure: output intent, document info, XMP metadata, trapped key.

Everything is derived from the inputs (no clock, no random ids) so the same job gives the same
bytes: ids are uuid5 of job id and version, dates come from the job's creation time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape as _html_escape

import pikepdf

from profiles.icc import OutputProfile

PDFX_VERSION = "PDF/X-4"
NAMESPACE = uuid.UUID("6f1c1e55-3b7d-5c1a-9a3e-7072696e746c")  # printline's own uuid5 namespace


def escape(text: str) -> str:
    """XML character data: &, < and > escaped (html.escape; xml.sax.saxutils would import urllib)."""
    return _html_escape(text, quote=False)


@dataclass(frozen=True)
class DocInfo:
    """Identity and dates of one print file."""

    title: str
    producer: str
    creator: str
    created_at: datetime
    document_id: uuid.UUID
    instance_id: uuid.UUID
    version: int


def ids_for(job_id: str, version: int) -> tuple[uuid.UUID, uuid.UUID]:
    """DocumentID (the job, stable across render versions) and InstanceID (this version)."""
    return uuid.uuid5(NAMESPACE, f"job:{job_id}"), uuid.uuid5(NAMESPACE, f"job:{job_id}:r{version}")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def pdf_date(moment: datetime) -> str:
    return _utc(moment).strftime("D:%Y%m%d%H%M%S+00'00'")


def xmp_date(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def xmp_packet(info: DocInfo) -> bytes:
    """The XMP packet PDF/X-4 asks for (ISO 15930-7: dates, ids, version, rendition, trapped)."""
    date = xmp_date(info.created_at)
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>{escape(info.creator)}</xmp:CreatorTool>
   <xmpMM:DocumentID>uuid:{info.document_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{info.instance_id}</xmpMM:InstanceID>
   <xmpMM:VersionID>{info.version}</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdf:Producer>{escape(info.producer)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def apply_pdfx4(pdf: pikepdf.Pdf, profile: OutputProfile, info: DocInfo) -> None:
    """Give the document its PDF/X-4 output intent, info dictionary and XMP metadata."""
    icc = pikepdf.Stream(pdf, profile.data())
    icc.N = 4
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(profile.condition_identifier),
        OutputCondition=pikepdf.String(profile.condition),
        RegistryName=pikepdf.String(profile.registry),
        Info=pikepdf.String(profile.condition_identifier),
        DestOutputProfile=pdf.make_indirect(icc),
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
    metadata = pikepdf.Stream(pdf, xmp_packet(info))
    metadata.Type = pikepdf.Name.Metadata
    metadata.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = pdf.make_indirect(metadata)
    date = pdf_date(info.created_at)
    pdf.trailer.Info = pdf.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String(info.title),
            Producer=pikepdf.String(info.producer),
            Creator=pikepdf.String(info.creator),
            CreationDate=pikepdf.String(date),
            ModDate=pikepdf.String(date),
            Trapped=pikepdf.Name("/False"),
            GTS_PDFXVersion=pikepdf.String(PDFX_VERSION),
        )
    )


def save_pdfx(pdf: pikepdf.Pdf, path) -> None:
    """Write a PDF/X-4 file the way every print file and sheet is written: deterministic ids (the same
    input gives the same bytes), streams compressed but never decoded (image bytes stay as they are),
    no object streams (PDF/X readers differ on them), the XMP metadata left as `apply_pdfx4` wrote it."""
    pdf.save(path, min_version="1.6", deterministic_id=True, compress_streams=True,
             stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.disable, fix_metadata_version=False)
