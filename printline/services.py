"""The outside parts one process needs, built once from settings and passed down.

Each part sits behind a small protocol (Storage, JobQueue, Progress, RateLimiter, Clock) with its
real implementation chosen from settings; tests replace any of them by building `Services` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from records.session import make_engine, make_sessionmaker
from orders.lifecycle import Lifecycle, Policy
from vocab.spec import OrderSpec
from printline.clock import Clock, SystemClock
from printline.settings import Settings
from profiles.catalogue import Catalogue, load_catalogue
from queues.dispatch import JobQueue
from queues.progress import FileProgress, Progress, RedisProgress
from queues.relay import Relay, RelayOptions
from storage import Storage, open_storage


@dataclass
class Services:
    settings: Settings
    catalogue: Catalogue
    engine: Engine
    sessions: sessionmaker[Session]
    storage: Storage
    queue: JobQueue
    progress: Progress
    rate_limiter: RateLimiter
    lifecycle: Lifecycle
    relay: Relay
    clock: Clock = field(default_factory=SystemClock)
    redis_breaker: Any = None  # printline.degrade.Breaker of the Redis parts (None without Redis)
    redis_client: Any = None
    quote: Callable[[OrderSpec, str], Any] | None = None  # (order, brand) -> Quote; raises OrderRejected


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def build_storage(settings: Settings) -> Storage:
    return open_storage(settings.effective_storage_url, endpoint_url=settings.s3_endpoint_url or None,
                        region=settings.s3_region, multipart_threshold=settings.s3_multipart_threshold)


def make_quoter(settings: Settings, catalogue: Catalogue, clock: Clock) -> Callable[[OrderSpec, str], Any]:
    """`quote(order, brand)` at the clock's now, with markets and prices loaded (and validated) once."""
    from orders.pricing import quote
    from profiles.markets import load_markets
    from profiles.prices import load_prices

    markets = load_markets(settings.catalogue_dir)
    prices = load_prices(settings.catalogue_dir, catalogue)

    def quote_order(order: OrderSpec, brand: str):
        return quote(order, brand, catalogue=catalogue, markets=markets, prices=prices, at=clock.now())

    return quote_order


def relay_options(settings: Settings) -> RelayOptions:
    return RelayOptions(allow_private=settings.webhooks_allow_private, timeout=settings.webhook_timeout_seconds,
                        max_age=timedelta(hours=settings.webhook_retry_hours),
                        stale_after=timedelta(seconds=max(settings.stale_claim_seconds,
                                                          3 * settings.heartbeat_seconds)),
                        lease=timedelta(seconds=settings.webhook_lease_seconds))


def build_lifecycle(settings: Settings, sessions: sessionmaker[Session], queue: JobQueue,
                    clock: Clock) -> tuple[Lifecycle, Relay]:
    """The actions and the relay that sends what they write; new render messages go out right after
    each commit (the relay's fast path), the rest on the relay's next pass."""
    lifecycle = Lifecycle(sessions, clock, Policy(auto_approve=settings.auto_approve,
                                                  max_attempts=settings.max_attempts,
                                                  outage_retries=settings.outage_retries,
                                                  backoff_cap=settings.retry_backoff_cap_seconds))
    relay = Relay(sessions, queue, lifecycle, clock, relay_options(settings))
    lifecycle.after_commit = relay.publish_now
    return lifecycle, relay


def configure_image_limits(settings: Settings) -> None:
    """The image limits of this process (upload probe and render alike) from settings."""
    from render.limits import Limits, configure

    configure(Limits(max_pixels=settings.max_pixels, max_decode_bytes=settings.max_decode_bytes,
                     max_pages=settings.max_pages))


def build_services(settings: Settings, *, queue: JobQueue | None = None) -> Services:
    """Real parts for these settings: SQL engine, storage backend, Celery queue, Redis or in-process."""
    configure_image_limits(settings)
    if queue is None:
        from queues.celery_app import make_celery
        from queues.dispatch import CeleryJobQueue

        queue = CeleryJobQueue(make_celery(settings))
    engine = make_engine(settings.effective_database_url)
    client = redis_client(settings.redis_url) if settings.redis_url else None
    catalogue = load_catalogue(settings.catalogue_dir)
    clock = SystemClock()
    sessions = make_sessionmaker(engine)
    lifecycle, relay = build_lifecycle(settings, sessions, queue, clock)
    return Services(
        settings=settings,
        catalogue=catalogue,
        clock=clock,
        quote=make_quoter(settings, catalogue, clock),
        engine=engine,
        sessions=sessions,
        storage=build_storage(settings),
        queue=queue,
        lifecycle=lifecycle,
        relay=relay,
        redis_client=client,
        **_courtesy_parts(settings, client),
    )


def _courtesy_parts(settings: Settings, client) -> dict[str, Any]:
    """Progress and rate limits: Redis behind one breaker when there is a Redis (degrading to skipped
    progress and in-process limits while it is away, see printline.degrade), files/in-process otherwise."""
    from printline.degrade import Breaker, FallbackRateLimiter, SafeProgress

    if client is None:
        return {"progress": SafeProgress(FileProgress(settings.var_dir / "progress")),
                "rate_limiter": MemoryRateLimiter(settings.rate_limit_per_minute)}
    breaker = Breaker("redis")
    return {"progress": SafeProgress(RedisProgress(client), breaker),
            "rate_limiter": FallbackRateLimiter(RedisRateLimiter(client, settings.rate_limit_per_minute),
                                                settings.rate_limit_per_minute, breaker),
            "redis_breaker": breaker}
