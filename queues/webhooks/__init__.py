"""Webhooks that tell a shop what happened to its orders, built from four small pieces.

The relay (which reads events from the transactional outbox) makes each delivery attempt in
this order: ``addresses.check_url`` vets the shop's URL *at every attempt* (DNS changes) and
returns a ``Target`` pinned to the public addresses it resolved; ``signing.sign`` makes the
Standard Webhooks headers from the shop's secrets (all current ones, for rotation), the
event's stable message id, the attempt's timestamp and the exact body bytes;
``delivery.deliver`` POSTs those bytes to the pinned address and returns a ``DeliveryResult``
instead of raising; on failure ``schedule.next_attempt_at`` says when to try again, or None
once a day has passed since the first attempt, when the delivery is marked failed. A refused
URL (``UrlRefused``) is a failed attempt too, with a message the shop can act on.
Nothing here keeps state or clients between calls; the relay owns storage and clocks.
"""
