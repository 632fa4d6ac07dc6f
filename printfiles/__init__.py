"""Print files: PDF/X-4 pages from rendered rasters and the customer's text, and PDF preflight.

Pure package (no Flask, Celery, SQL or boto3): values and paths in, files and values out.
Entry points: `printfiles.build.build_item` (render + compose + preflight one item) and
`printfiles.preflight.preflight_pdf` (judge any PDF).
"""
