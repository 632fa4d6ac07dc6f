"""RabbitMQ faults: connections cut while orders are published, a poison message, duplicate delivery.

- Cut: every process reaches RabbitMQ through a proxy the test cuts twice and refuses for 3 s while
  orders are committed. A publish that fails leaves its outbox row pending (publisher confirms: a
  publish the broker did not take raises), the relay sends it later; the worker's consumer reconnects.
- Poison: a render message whose claim can never succeed (a job id with a NUL byte: PostgreSQL refuses
  it, a `DataError`) is rejected back to the queue after a pause, redelivered, and after the quorum
  queue's delivery limit lands in `<queue>.dead`, read back here with kombu.
- Duplicate: one job's message sent twice, worker concurrency 2, so both copies run at once.
"""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.integration


def test_broker_connections_cut_during_publishes(fault_stack):
    stack = fault_stack(via=("rabbitmq",)).start()
    upload = stack.upload()
    proxy, jobs = stack.proxies["rabbitmq"], []
    for n in range(6):
        if n in (1, 3):
            proxy.cut()
        if n == 4:
            proxy.refuse()
        jobs += stack.submit(1, upload_id=upload, prefix=f"CUT{n}")
    time.sleep(3)
    proxy.heal()
    stack.settle(jobs, timeout=50)
    tally = stack.tally(jobs)
    tally.show("broker connections cut during publishes")
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0), stack.worker_log()


def _dead_letters(stack) -> list:
    from kombu import Connection

    from queues.celery_app import dead_letter_queue

    bodies = []
    with Connection(stack.settings.effective_broker_url) as conn:
        queue = conn.SimpleQueue(dead_letter_queue(stack.settings))
        try:
            while True:
                try:
                    message = queue.get(block=True, timeout=1)
                except queue.Empty:
                    break
                bodies.append((message.headers.get("task"), message.payload[0]))
                message.ack()
        finally:
            queue.close()
    return bodies


def test_poison_message_reaches_the_dead_letter_queue(fault_stack):
    stack = fault_stack(PRINTLINE_DELIVERY_LIMIT="2").start()
    jobs = stack.submit(2)
    poison = "job_\x00poison"
    stack.submitter.queue.send(poison)
    stack.settle(jobs, timeout=40)
    deadline, dead = time.time() + 40, []
    while time.time() < deadline and not dead:
        dead = _dead_letters(stack)
        time.sleep(1)
    tally = stack.tally(jobs)
    tally.show(f"poison message (dead-lettered: {dead})")
    assert dead == [("printline.render_job", [poison])], stack.worker_log()
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0)


def test_duplicate_delivery_of_one_message(fault_stack):
    stack = fault_stack(PRINTLINE_WORKER_CONCURRENCY="2").start()
    jobs = stack.submit(2)
    for job_id in jobs:
        stack.submitter.queue.send(job_id)  # a second copy of each message, while the first runs
    stack.settle(jobs, timeout=50)
    time.sleep(2)  # let a late copy finish (it must not record anything)
    tally = stack.tally(jobs)
    log = stack.worker_log()
    tally.show(f"duplicate delivery (copies abandoned or skipped: "
               f"{log.count('job_abandoned') + log.count('job_skipped')})")
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0), log
