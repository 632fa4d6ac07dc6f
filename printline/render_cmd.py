"""`printline render`: one item into DIR, or a batch of photos / spec files each into its own DIR/NAME/.

One input (`--image A` or `--spec A.json`) keeps the layout scripts rely on: DIR/printfile.pdf,
preview.jpg, overlay.jpg, report.json and one JSON line on stdout. Several (`--image A --image B`,
`--spec X.json --spec Y.json`, or both) render one after the other in this one process (the
imports and the catalogue load once), each into DIR/<file stem>/ (a second file of the same stem
gets `-2`, ...). On a terminal a progress bar (rich) follows the files and the current one's stages;
otherwise one JSON line per file goes to stdout as it finishes. A summary of the verdicts ends the
run. A file that cannot be rendered is reported and the others still render.

Before validating, only the header of each photo is read (format, size, limits): whether its data
is complete is checked once, by the render's own `inspect` (a 1/8-scale decode of the whole JPEG,
0.11 CPU s for 24 MP, which the command used to run twice).

Exit codes: 0 every file rendered, 1 any file failed (could not be rendered), 2 usage. A `fail`
verdict is a rendered file whose findings need a look: it is counted in the summary, as a single
render's is reported in its JSON line, and does not change the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from printline.settings import Settings

USAGE, FAILED = 2, 1


@dataclass(frozen=True)
class Outcome:
    """One input's render: the CLI's JSON fields, or the reason it failed (and its exit code)."""

    name: str
    fields: dict[str, str] | None = None
    error: str | None = None
    code: int = 0


@dataclass(frozen=True)
class _Input:
    name: str  # the batch folder under --out
    image: Path | None = None
    spec: Path | None = None


def _unique_names(inputs: list[tuple[str, Path]]) -> list[_Input]:
    seen: Counter[str] = Counter()
    out = []
    for kind, path in inputs:
        stem = path.stem or "item"
        seen[stem] += 1
        name = stem if seen[stem] == 1 else f"{stem}-{seen[stem]}"
        out.append(_Input(name=name, **{kind: path}))
    return out


class _Renderer:
    """Everything that stays the same across a batch's files: limits, catalogue, options."""

    def __init__(self, args: argparse.Namespace, settings: Settings) -> None:
        from profiles.catalogue import load_catalogue
        from render.limits import Limits, configure

        configure(Limits(max_pixels=settings.max_pixels, max_decode_bytes=settings.max_decode_bytes,
                         max_pages=settings.max_pages))
        self.args = args
        self.catalogue = load_catalogue(settings.catalogue_dir)

    def render(self, item: _Input, out: Path, on_progress: Callable[[int, str], None] | None = None) -> Outcome:
        """Render one input into `out`; never raises for the input's faults."""
        import pyvips

        from orders.validation import check_items
        from printfiles.build import PrintMeta, build_item
        from render.errors import InputRefused, RenderError
        from render.source import open_checked, upright_size
        from vocab.spec import ImageRef, ItemSpec

        args, catalogue = self.args, self.catalogue

        def failed(message: str, code: int = FAILED) -> Outcome:
            return Outcome(item.name, error=message, code=code)

        sources: dict[str, Path] = dict(args.source or [])
        if item.spec is not None:
            try:
                spec = ItemSpec.model_validate_json(item.spec.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                return failed(f"{item.spec}: {str(exc).splitlines()[0]}")
            for upload_id in spec.upload_ids():  # upload ids in a spec file may be paths next to it
                sources.setdefault(upload_id, item.spec.parent / upload_id)
        else:
            ref = ImageRef(upload_id="image", crop=args.crop, mode=args.mode, background=args.background)
            spec = ItemSpec(product=args.product, image=ref, orientation=args.orientation, wrap=args.wrap,
                            wrap_colour=args.wrap_colour)
            sources["image"] = item.image
        if args.product and args.product != spec.product:
            spec = spec.model_copy(update={"product": args.product})
        if spec.product not in catalogue.products:
            return failed(f"unknown product {spec.product!r}; see `printline products`", USAGE)
        try:
            product = catalogue.get(spec.product).with_options(spec.options)
        except ValueError as exc:
            return failed(str(exc), USAGE)
        uploads = {}
        for upload_id, path in sources.items():
            try:  # the header only: build_item's `inspect` checks the data is complete, once
                _, header = open_checked(path)
            except (InputRefused, OSError) as exc:
                return failed(f"{path}: {exc}")
            uploads[upload_id] = upright_size(header.width, header.height, header.orientation)
        errors = check_items([spec], product.brand, catalogue, uploads)
        if errors:
            return failed("; ".join(f"{e.field.replace('items[0].', '')}: {e.message}" for e in errors))
        meta = PrintMeta(brand=product.brand, order_ref=args.order_ref, item_ref=args.item_ref,
                         job_id=args.job_id, version=args.version,
                         created_at=args.created_at or datetime.now(UTC), quantity=args.quantity)
        try:
            result = build_item(spec, product, sources, out, meta, printer=catalogue.printer(product.printer),
                                on_progress=on_progress)
        except RenderError as exc:
            return failed(str(exc))
        except (pyvips.Error, OSError) as exc:  # libvips or the disk gave up: a reason, not a traceback
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            return failed(f"the image could not be rendered ({lines[-1] if lines else type(exc).__name__})")
        return Outcome(item.name, fields={"printfile": str(result.printfile), "preview": str(result.preview),
                                          "report": str(result.report_path),
                                          "verdict": result.report.verdict.value})


def cmd_render(args: argparse.Namespace, settings: Settings) -> int:
    images: list[Path] = args.image or []
    specs: list[Path] = args.spec or []
    if not specs and not (args.product and images):
        print("printline render: give --product and --image, or --spec ITEM.json", file=sys.stderr)
        return USAGE
    if images and not args.product:
        print("printline render: --image needs --product", file=sys.stderr)
        return USAGE
    renderer = _Renderer(args, settings)
    if args.product and args.product not in renderer.catalogue.products:
        print(f"printline render: unknown product {args.product!r}; see `printline products`", file=sys.stderr)
        return USAGE
    inputs = _unique_names([*(("image", p) for p in images), *(("spec", p) for p in specs)])
    if len(inputs) == 1:  # today's layout: DIR/printfile.pdf ...
        outcome = renderer.render(inputs[0], args.out)
        if outcome.error is not None:
            print(f"printline render: {outcome.error}", file=sys.stderr)
            return outcome.code
        print(json.dumps(outcome.fields))
        return 0
    return _batch(renderer, inputs, args.out, tty=sys.stderr.isatty())


def _source_of(item: _Input) -> str:
    return str(item.image if item.image is not None else item.spec)


def _summary(outcomes: list[Outcome]) -> dict[str, Any]:
    verdicts = Counter(o.fields["verdict"] for o in outcomes if o.fields)
    return {"files": len(outcomes), "rendered": sum(verdicts.values()),
            "failed": sum(1 for o in outcomes if o.error is not None),
            "verdicts": {v: verdicts.get(v, 0) for v in ("ok", "warn", "fail")}}


def _batch(renderer: _Renderer, inputs: list[_Input], out: Path, *, tty: bool) -> int:
    outcomes: list[Outcome] = []
    if tty:
        outcomes = _batch_with_bar(renderer, inputs, out)
    else:
        for item in inputs:
            outcome = renderer.render(item, out / item.name)
            outcomes.append(outcome)
            line = {"source": _source_of(item), "out": str(out / item.name)}
            line.update(outcome.fields or {"error": outcome.error})
            print(json.dumps(line), flush=True)
    summary = _summary(outcomes)
    print(json.dumps({"summary": summary}), flush=True)
    return FAILED if summary["failed"] else 0


def _batch_with_bar(renderer: _Renderer, inputs: list[_Input], out: Path) -> list[Outcome]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    outcomes = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        overall = bar.add_task("files", total=len(inputs))
        current = bar.add_task("", total=100)
        for item in inputs:
            bar.reset(current, total=100, description=f"{item.name}: plan")

            def follow(percent: int, stage: str, name: str = item.name) -> None:
                bar.update(current, completed=percent, description=f"{name}: {stage}")

            outcome = renderer.render(item, out / item.name, on_progress=follow)
            outcomes.append(outcome)
            if outcome.error is not None:
                bar.console.print(f"[red]failed[/red] {_source_of(item)}: {outcome.error}", markup=True,
                                  highlight=False)
            else:
                bar.console.print(f"{outcome.fields['verdict']:4} {_source_of(item)} -> {out / item.name}",
                                  highlight=False)
            bar.advance(overall)
    summary = _summary(outcomes)
    v = summary["verdicts"]
    console.print(f"{summary['rendered']} of {summary['files']} rendered ({v['ok']} ok, {v['warn']} warn, "
                  f"{v['fail']} fail), {summary['failed']} failed", highlight=False)
    return outcomes
