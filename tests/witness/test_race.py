"""Two requests racing on PostgreSQL: the slower, smaller one cannot roll the witness back.

The spec's race: A (to size 3) and B (to size 5) both pass their checks
against size 1; B stores 5 and is cosigned; A must not then store 3. A is
held between its consistency check and its write until B has answered.
"""

import threading
from collections.abc import Sequence

import pytest
from django.db import connection
from django.test import Client

from judicial_verify.tlog.tree import verify_consistency
from judicial_verify.witness import services
from judicial_verify.witness.models import WitnessedLog

from .conftest import MemoryLog, post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_slower_request_for_a_smaller_tree_cannot_roll_the_witness_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = MemoryLog()
    services.log_trust(vkey=log.vkey)
    assert post(Client(), log.request(0, 1))[0] == 200
    a_checked = threading.Event()
    b_answered = threading.Event()

    def held(*, size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
        verify_consistency(size1=size1, size2=size2, proof=proof, root1=root1, root2=root2)
        if size2 == 3:
            a_checked.set()
            assert b_answered.wait(timeout=30)

    monkeypatch.setattr(services, "verify_consistency", held)
    request_a, request_b = log.request(1, 3), log.request(1, 5)
    answers: dict[str, tuple[int, str, bytes]] = {}

    def send_a() -> None:
        try:
            answers["a"] = post(Client(), request_a)
        finally:
            connection.close()

    thread = threading.Thread(target=send_a)
    thread.start()
    assert a_checked.wait(timeout=30)
    answers["b"] = post(Client(), request_b)
    b_answered.set()
    thread.join(timeout=30)

    assert answers["b"][0] == 200
    assert answers["a"] == (409, "text/x.tlog.size", b"5\n")
    row = WitnessedLog.objects.get()
    assert (row.size, bytes(row.root_hash)) == (5, log.root(5))


def test_of_many_racing_first_checkpoints_exactly_one_is_cosigned_and_stored() -> None:
    log = MemoryLog()
    services.log_trust(vkey=log.vkey)
    log.grow(40)
    bodies = [log.request(0, n) for n in range(1, 9)]
    statuses: dict[int, int] = {}
    start = threading.Barrier(len(bodies))

    def send(n: int, body: bytes) -> None:
        try:
            start.wait(timeout=30)
            statuses[n] = post(Client(), body)[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n, b)) for n, b in enumerate(bodies, start=1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    cosigned = [n for n, status in statuses.items() if status == 200]
    assert sorted(statuses.values()) == [200] + [409] * (len(bodies) - 1)
    assert WitnessedLog.objects.get().size == cosigned[0]
