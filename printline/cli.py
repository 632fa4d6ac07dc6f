"""The `printline` command: render without any service, preflight a PDF, list products, make keys,
and start the API, a worker, or both on embedded defaults (`printline run`, what `make run` calls)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

# numpy's OpenBLAS starts a thread per core that spins while it waits for work; nothing here
# multiplies matrices big enough to want them (perf: 6.5 % of a card's `printline render`, ~0.1 CPU s,
# in blas_thread_server). Before any import of numpy, for every command (render, worker, api).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from printline.settings import Settings  # noqa: E402


def _crop(value: str):
    from vocab.spec import Crop

    try:
        x, y, w, h = (float(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("--crop takes X,Y,W,H as fractions, e.g. 0.1,0,0.8,1") from None
    return Crop(x=x, y=y, width=w, height=h)


def _source(value: str) -> tuple[str, Path]:
    name, sep, path = value.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError("--source takes UPLOAD_ID=PATH")
    return name, Path(path)


def _created_at(value: str) -> datetime:
    stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def cmd_render(args: argparse.Namespace, settings: Settings) -> int:
    """One item into DIR, or several photos / spec files each into DIR/NAME (printline.render_cmd)."""
    from printline.render_cmd import cmd_render as render

    return render(args, settings)


def cmd_preflight(args: argparse.Namespace, settings: Settings) -> int:
    from printfiles.preflight import preflight_pdf
    from profiles.catalogue import load_catalogue

    product = load_catalogue(settings.catalogue_dir).get(args.product) if args.product else None
    report = preflight_pdf(args.pdf, product)
    print(report.model_dump_json(indent=2))
    return 0 if report.verdict.value != "fail" else 1


def _card_arg(value: str) -> tuple[Path, int | None]:
    """CARD.pdf or CARD.pdf:N (N copies)."""
    path, sep, count = value.rpartition(":")
    if sep and count.isdigit() and path:
        return Path(path), int(count)
    return Path(value), None


def cmd_impose(args: argparse.Namespace, settings: Settings) -> int:
    from printfiles.impose import CardOrder, ImposeError, impose_cards, parse_size
    from profiles.catalogue import load_catalogue

    catalogue = load_catalogue(settings.catalogue_dir)
    try:
        printer = catalogue.printer(args.printer)
        product = catalogue.get(args.product) if args.product else None
        size = parse_size(args.sheet) if args.sheet else None
        orders = [CardOrder(path, count or args.quantity) for path, count in args.cards]
        result = impose_cards(orders, printer, args.out, sheet_size=size, catalogue=catalogue, product=product,
                              run_id=args.run_id, created_at=args.created_at)
    except (ImposeError, KeyError) as exc:
        print(f"printline impose: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 1
    print(json.dumps({"sheets": str(result.path), "sheet_count": result.sheets, "per_sheet": result.per_sheet,
                      "paper_use": {k: round(v, 4) for k, v in result.paper_use.items()},
                      "pages": [{"page": s.page, "sheet": s.sheet, "side": s.side, "sheet_id": s.sheet_id,
                                 "format": s.format, "cards": s.cards} for s in result.sides]}))
    return 0


def cmd_products(args: argparse.Namespace, settings: Settings) -> int:
    from profiles.catalogue import load_catalogue

    for product in sorted(load_catalogue(settings.catalogue_dir).products.values(), key=lambda p: (p.brand, p.id)):
        if args.brand in (None, product.brand):
            w, h = product.trim_mm()
            print(f"{product.id:24} {product.brand:12} {w:g} x {h:g} mm  {product.name}")
    return 0


def _key_sessions(settings: Settings):
    from records.migrate import upgrade
    from records.session import make_engine, make_sessionmaker

    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    return engine, make_sessionmaker(engine)


def cmd_keys_create(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import timedelta

    from api.keys import create_key

    now = datetime.now(UTC)
    expires = args.expires_at or (now + timedelta(days=args.expires_in) if args.expires_in else None)
    if expires is not None and expires <= now:
        print("printline keys create: the expiry must lie in the future", file=sys.stderr)
        return 2
    engine, sessions = _key_sessions(settings)
    key_id, secret = create_key(sessions, brand=args.brand, role=args.role, at=now, label=args.label,
                                expires_at=expires, with_id=True, sandbox=args.sandbox)
    engine.dispose()
    until = f", expires {expires.isoformat(timespec='seconds')}" if expires else ""
    kind = "sandbox API key" if args.sandbox else "API key"
    print(f"{kind} {key_id} for brand {args.brand}, role {args.role}{until} (shown once; only its hash is stored):")
    print(secret)
    return 0


def _stamp(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else "-"


def cmd_keys_list(args: argparse.Namespace, settings: Settings) -> int:
    from api.keys import list_keys

    engine, sessions = _key_sessions(settings)
    keys = list_keys(sessions, args.brand)
    engine.dispose()
    if args.json:
        print(json.dumps([{"id": k.id, "brand": k.brand, "role": k.role, "label": k.label,
                           "created_at": _stamp(k.created_at), "expires_at": _stamp(k.expires_at),
                           "last_used_at": _stamp(k.last_used_at), "revoked_at": _stamp(k.revoked_at),
                           "sandbox": bool(k.sandbox)}
                          for k in keys], indent=2))
        return 0
    print(f"{'ID':28} {'BRAND':12} {'ROLE':10} {'CREATED':25} {'EXPIRES':25} {'LAST USED':25} {'REVOKED':25} LABEL")
    for k in keys:
        print(f"{k.id:28} {k.brand:12} {k.role:10} {_stamp(k.created_at):25} {_stamp(k.expires_at):25} "
              f"{_stamp(k.last_used_at):25} {_stamp(k.revoked_at):25} {k.label}{' [sandbox]' if k.sandbox else ''}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from api.keys import revoke_key

    engine, sessions = _key_sessions(settings)
    found = revoke_key(sessions, args.key_id, datetime.now(UTC))
    engine.dispose()
    if not found:
        print(f"printline keys revoke: no key {args.key_id!r} (see `printline keys list`)", file=sys.stderr)
        return 1
    print(f"revoked {args.key_id}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from records.migrate import upgrade

    upgrade(settings.effective_database_url, args.revision)
    print(f"database at {args.revision}")
    return 0


def cmd_api(args: argparse.Namespace, settings: Settings) -> int:
    from waitress import serve

    from api.app import create_app
    from printline.services import build_services

    app = create_app(build_services(settings))
    print(f"Printline API on http://{settings.api_host}:{settings.api_port} (docs at /docs, QA page at /qa)",
          flush=True)
    serve(app, host=settings.api_host, port=settings.api_port, threads=settings.api_threads,
          ident="printline", clear_untrusted_proxy_headers=True)
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """A Celery worker, with the outbox relay beside it as a child process (PRINTLINE_RELAY=false
    leaves it out, for a deployment that runs `printline relay` on its own)."""
    import subprocess

    from queues.celery_app import declare_dead_letter
    from printline.services import build_services
    from queues.tasks import worker_app

    relay = None
    if settings.relay:
        relay = subprocess.Popen([sys.executable, "-m", "printline.cli", "relay", "--parent", str(os.getpid())])
    app = worker_app(settings, build_services)
    declare_dead_letter(app, settings)  # poison messages need somewhere to go before the first delivery
    argv = ["worker", f"--loglevel={settings.log_level}", f"--concurrency={settings.worker_concurrency}",
            f"--queues={settings.queue}", "--without-gossip", "--without-mingle", "--hostname=printline@%h"]
    try:
        app.worker_main(argv)
    finally:
        if relay is not None and relay.poll() is None:
            relay.terminate()
            try:
                relay.wait(timeout=15)
            except subprocess.TimeoutExpired:
                relay.kill()
    return 0


def cmd_relay(args: argparse.Namespace, settings: Settings) -> int:
    """The outbox relay until SIGTERM/SIGINT, or until the parent process (a worker) is gone."""
    import signal
    import threading

    from printline.services import build_services

    services = build_services(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if args.parent:
        def watch_parent() -> None:
            while not stop.wait(1.0):
                if os.getppid() != args.parent:
                    stop.set()

        threading.Thread(target=watch_parent, daemon=True, name="parent-watch").start()
    print("Printline relay: render messages and webhook deliveries from the outbox", flush=True)
    try:
        services.relay.run(stop, interval=settings.relay_interval_seconds)
    finally:
        services.relay.close()
        services.engine.dispose()
    return 0


def cmd_requeue(args: argparse.Namespace, settings: Settings) -> int:
    from printline.services import build_services
    from queues.sweeper import requeue_stale

    services = build_services(settings)
    count = requeue_stale(services, older_than_seconds=args.older_than)
    services.relay.publish_renders()
    print(f"re-sent {count} queued job(s)")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from printline.devserver import run_embedded

    return run_embedded(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="printline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_render(sub)
    _add_file_tools(sub)
    _add_keys(sub)
    _add_services(sub)
    return parser


def _add_render(sub) -> None:
    """`printline render`: one item, or a batch of --image/--spec, without any service."""
    from vocab.spec import CropMode
    from profiles.catalogue import BleedStrategy, Orientation

    render = sub.add_parser("render", help="render an item to DIR/printfile.pdf, preview.jpg and report.json "
                            "(several --image/--spec: each to DIR/NAME/)")
    render.add_argument("--product", help="product id (see `printline products`)")
    render.add_argument("--image", type=Path, action="append",
                        help="the photo for the main slot; repeat for a batch (each into DIR/NAME/)")
    render.add_argument("--crop", type=_crop, help="X,Y,W,H in fractions of the upright image")
    render.add_argument("--mode", type=CropMode, choices=list(CropMode), default=CropMode.fill)
    render.add_argument("--background", default="#FFFFFF", help="colour around a `fit` image")
    render.add_argument("--orientation", type=Orientation, choices=list(Orientation))
    render.add_argument("--wrap", type=BleedStrategy, choices=list(BleedStrategy), help="canvas wrap")
    render.add_argument("--wrap-colour", help="#RRGGBB for --wrap colour")
    render.add_argument("--spec", type=Path, action="append",
                        help="an item as the API's JSON (upload ids may be file paths); repeat for a batch")
    render.add_argument("--source", type=_source, action="append", help="UPLOAD_ID=PATH for --spec items")
    render.add_argument("--out", type=Path, required=True)
    render.add_argument("--order-ref", default="local")
    render.add_argument("--item-ref", default="1")
    render.add_argument("--job-id", default="local")
    render.add_argument("--version", type=int, default=1)
    render.add_argument("--quantity", type=int, default=1, help="copies ordered (on the slug: x N)")
    render.add_argument("--created-at", type=_created_at, help="ISO time for the PDF dates (default now)")
    render.set_defaults(func=cmd_render)


def _add_file_tools(sub) -> None:
    """Commands on files: preflight any PDF, impose card print files, list the products."""
    preflight = sub.add_parser("preflight", help="check any PDF against a product; JSON report")
    preflight.add_argument("pdf", type=Path)
    preflight.add_argument("--product")
    preflight.set_defaults(func=cmd_preflight)

    impose = sub.add_parser("impose", help="gang card print files onto press sheets (PDF/X-4, front/back)")
    impose.add_argument("cards", nargs="+", type=_card_arg, metavar="CARD.pdf[:N]",
                        help="card print files; :N prints N copies")
    impose.add_argument("--out", type=Path, required=True, help="the sheets' PDF")
    impose.add_argument("--printer", default="card-digital", help="printer profile with the sheet and margins")
    impose.add_argument("--sheet", help="sheet size WxH in mm, overriding the printer's (e.g. 330x488)")
    impose.add_argument("--quantity", type=int, default=1, help="copies of each card without :N")
    impose.add_argument("--product", help="card product of the files (folds), if their titles do not say")
    impose.add_argument("--run-id", help="id on the sheets' slugs (default: from the files' bytes)")
    impose.add_argument("--created-at", type=_created_at, help="ISO time for the PDF dates")
    impose.set_defaults(func=cmd_impose)

    products = sub.add_parser("products", help="list product ids")
    products.add_argument("--brand")
    products.set_defaults(func=cmd_products)


def _add_keys(sub) -> None:
    """`printline keys create | list | revoke`."""
    keys = sub.add_parser("keys", help="API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="make a key; it is printed once, alone on the last line")
    create.add_argument("--brand", required=True, choices=["myposter", "kartenliebe"])
    create.add_argument("--role", required=True, choices=["shop", "production", "qa", "admin"])
    create.add_argument("--label", default="")
    create.add_argument("--sandbox", action="store_true",
                        help="its orders render (print files say SANDBOX) but never enter production")
    expiry = create.add_mutually_exclusive_group()
    expiry.add_argument("--expires-in", type=int, metavar="DAYS", help="the key stops working after DAYS days")
    expiry.add_argument("--expires-at", type=_created_at, metavar="ISO_TIME", help="the key stops working then")
    create.set_defaults(func=cmd_keys_create)
    listing = keys.add_parser("list", help="id, brand, role, label, created, expires, last used, revoked")
    listing.add_argument("--brand")
    listing.add_argument("--json", action="store_true", help="as JSON")
    listing.set_defaults(func=cmd_keys_list)
    revoke = keys.add_parser("revoke", help="revoke a key by its id; it is refused from then on")
    revoke.add_argument("key_id", metavar="KEY_ID")
    revoke.set_defaults(func=cmd_keys_revoke)


def _add_services(sub) -> None:
    """The running parts and their maintenance: db, jobs, api, worker, relay, run."""
    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="migrate to the newest schema")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)

    jobs = sub.add_parser("jobs", help="job maintenance").add_subparsers(dest="jobs_command", required=True)
    requeue = jobs.add_parser("requeue", help="re-send queued jobs whose message may be lost")
    requeue.add_argument("--older-than", type=int, default=300, help="seconds")
    requeue.set_defaults(func=cmd_requeue)

    sub.add_parser("api", help="serve the API").set_defaults(func=cmd_api)
    sub.add_parser("worker", help="run a render worker (with the outbox relay beside it)"
                   ).set_defaults(func=cmd_worker)
    relay = sub.add_parser("relay", help="run the outbox relay alone: render messages, webhooks, stale claims")
    relay.add_argument("--parent", type=int, default=0, help=argparse.SUPPRESS)
    relay.set_defaults(func=cmd_relay)
    sub.add_parser("run", help="migrate, print demo keys, run API + worker on embedded defaults"
                   ).set_defaults(func=cmd_run)


# commands that print their own output and log nothing through structlog (printline.logs)
OFFLINE_COMMANDS = (cmd_render, cmd_preflight, cmd_impose, cmd_products)


def main(argv: list[str] | None = None) -> int:
    from printline.arenas import cap_malloc_arenas
    from printline.logs import configure_logging

    args = build_parser().parse_args(argv)
    settings = Settings()
    cap_malloc_arenas(settings.malloc_arenas)  # before any thread starts
    configure_logging(settings.log_level, settings.log_json, structured=args.func not in OFFLINE_COMMANDS)
    return args.func(args, settings)


def run() -> None:
    """The console entry point: main(), then exit without the interpreter's last garbage
    collection walking every object the imports made (~50 ms of a one-off `printline render`);
    they die with the process anyway."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
