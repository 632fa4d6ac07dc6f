"""Our hand-written signatures must verify with the reference Standard Webhooks library."""

from __future__ import annotations

import base64
import json
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from queues.webhooks.signing import USER_AGENT, new_secret, secret_key, sign

BODY = json.dumps({"type": "order.shipped", "data": {"order": "A-1001", "name": "Jörg"}}).encode()


def test_new_secret_has_the_spec_format_and_is_random() -> None:
    secrets = {new_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert 24 <= len(base64.b64decode(secret[len("whsec_"):], validate=True)) <= 32


def test_signature_verifies_with_the_library() -> None:
    secret = new_secret()
    now = int(time.time())
    headers = sign([secret], "msg_2Kx9", now, BODY)
    assert headers["webhook-id"] == "msg_2Kx9"
    assert headers["webhook-timestamp"] == str(now)
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == USER_AGENT
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)


def test_each_of_two_secrets_verifies_during_rotation() -> None:
    old, new = new_secret(), new_secret()
    headers = sign([old, new], "msg_rotate", int(time.time()), BODY)
    entries = headers["webhook-signature"].split(" ")
    assert len(entries) == 2 and all(e.startswith("v1,") for e in entries)
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_tampered_body_fails() -> None:
    secret = new_secret()
    headers = sign([secret], "msg_1", int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"A-1001", b"A-1002"), headers)


def test_tampered_id_fails() -> None:
    secret = new_secret()
    headers = sign([secret], "msg_1", int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**headers, "webhook-id": "msg_2"})


def test_old_timestamp_fails() -> None:
    secret = new_secret()
    headers = sign([secret], "msg_1", int(time.time()) - 600, BODY)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, headers)


def test_known_vector_from_the_spec_libraries() -> None:
    # Test vector used by the Standard Webhooks / Svix libraries.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    headers = sign([secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_invalid_secrets_are_skipped_but_one_valid_is_required() -> None:
    good = new_secret()
    headers = sign(["nonsense", "whsec_!!!", "whsec_" + base64.b64encode(b"short").decode(), good],
                   "msg_1", int(time.time()), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 1
    Webhook(good).verify(BODY, headers)
    with pytest.raises(ValueError, match="no valid webhook secret"):
        sign(["nonsense"], "msg_1", 0, BODY)
    with pytest.raises(TypeError):
        sign(good, "msg_1", 0, BODY)  # type: ignore[arg-type]


def test_unpadded_secret_is_accepted_like_the_library_does() -> None:
    key = bytes(range(25))
    unpadded = "whsec_" + base64.b64encode(key).decode().rstrip("=")
    assert secret_key(unpadded) == key
    headers = sign([unpadded], "msg_1", int(time.time()), BODY)
    Webhook(unpadded).verify(BODY, headers)


@pytest.mark.parametrize("msg_id", ["", "msg 1", "msg\r\nX-Evil: 1", "msg_é"])
def test_message_ids_that_would_break_headers_are_refused(msg_id: str) -> None:
    with pytest.raises(ValueError, match="message id"):
        sign([new_secret()], msg_id, 0, BODY)


def test_body_must_be_bytes_and_timestamp_an_int() -> None:
    with pytest.raises(TypeError):
        sign([new_secret()], "msg_1", 0, BODY.decode())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sign([new_secret()], "msg_1", 1.5, BODY)  # type: ignore[arg-type]
