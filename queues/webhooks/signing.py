"""Standard Webhooks signatures (https://www.standardwebhooks.com), written on the stdlib.

Shops verify our deliveries with any Standard Webhooks library, so the signed content, the
secret format and the header names must match the specification exactly:
``webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>``, where the key
is the base64-decoded part of a ``whsec_`` secret. Several secrets give several space-separated
signatures, so a shop can rotate its secret without a window of failed verifications.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from secrets import token_bytes

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64
USER_AGENT = "Printline-Webhooks/1"


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` + base64 of 32 random bytes (the spec allows 24-64)."""
    return SECRET_PREFIX + base64.b64encode(token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a ``whsec_`` secret; ValueError if it is not a usable secret.

    Exposed so the code that stores a shop's secret can refuse a malformed one up front,
    instead of discovering it at delivery time.
    """
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret must start with 'whsec_'")
    encoded = secret[len(SECRET_PREFIX):]
    encoded += "=" * (-len(encoded) % 4)  # some tools store the base64 unpadded
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret must be base64 after 'whsec_'") from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(f"a webhook secret must hold {MIN_KEY_BYTES}-{MAX_KEY_BYTES} bytes")
    return key


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of the exact bytes that will be sent."""
    signed = msg_id.encode("utf-8") + b"." + str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def _check_id(msg_id: str) -> None:
    # The id goes into a header and into the signed content: no spaces, no control characters.
    if not msg_id or not msg_id.isascii() or not msg_id.isprintable() or " " in msg_id:
        raise ValueError("a webhook message id must be non-empty printable ASCII without spaces")


def sign(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The request headers of one delivery: ids, timestamp, one signature per valid secret.

    ``msg_id`` must stay the same across retries of one event (receivers de-duplicate on it);
    ``timestamp`` is the time of *this* attempt, in Unix seconds, because receivers refuse
    stale timestamps (typically older than 5 minutes). Malformed secrets are skipped so a bad
    new secret during rotation does not stop deliveries signed with the old one; if no secret
    is usable the call raises ValueError, because an unsigned webhook must never be sent.
    """
    if isinstance(secrets, str):
        raise TypeError("secrets must be a sequence of secrets, not one string")
    if not isinstance(body, bytes):
        raise TypeError("body must be the exact bytes that will be sent")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be Unix seconds as a non-negative int")
    _check_id(msg_id)
    keys: list[bytes] = []
    for secret in secrets:
        try:
            keys.append(secret_key(secret))
        except ValueError:
            continue
    if not keys:
        raise ValueError("no valid webhook secret to sign with")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(key, msg_id, timestamp, body) for key in keys),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
