"""The log's alliance: a checkpoint is published only with its witnesses' cosignatures.

WITNESS_POLICY names a C2SP tlog-policy file: the log's key, each witness with its
cosignature/v1 key and URL (its tlog-witness submission prefix), groups and the quorum.
checkpoint_cosign sends each new checkpoint to every witness with a URL at once, each
with a consistency proof from the size that witness last cosigned; checks each answer
against that witness's key; re-proves once from the size a 409 names; and returns the
note with the cosignatures appended only when they make the quorum (QuorumNotMet
otherwise). There is no switch that publishes without the quorum: the policy is the only
way to say how many cosignatures are enough, and `quorum none` beside listed witnesses
is refused outside DEBUG. Without WITNESS_POLICY the log publishes as it always has,
with quorum none and no witness.

What the log learns of each witness (the size it cosigned, its last failure) is kept in
WitnessStatus, so the next checkpoint is proved from the right size and /status and the
admin can say which witnesses fail.
"""

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from judicial_verify.tlog.checkpoint import parse_checkpoint
from judicial_verify.tlog.errors import NoteError, PolicyError, QuorumError
from judicial_verify.tlog.note import Verifier, format_signature_line, open_note
from judicial_verify.tlog.policy import (
    NONE,
    Policy,
    PolicyWitness,
    check_quorum,
    parse_policy,
    quorum_met,
    quorum_rule,
)

from . import read
from .models import WitnessStatus
from .witness_client import Conflict, Cosigned, WitnessFailure, add_checkpoint

logger = logging.getLogger(__name__)

# A policy is a few lines a witness; past this the file is not read further.
MAX_POLICY_BYTES = 64 * 1024
URL_SCHEMES = ("http://", "https://")

Proof = Callable[[int], Sequence[bytes]]


class QuorumNotMet(Exception):
    """The witnesses' valid cosignatures do not make the policy's quorum: not published.

    `failures` maps each witness that did not cosign to why.
    """

    def __init__(self, rule: str, failures: dict[str, str]) -> None:
        reasons = "; ".join(f"{name}: {why}" for name, why in failures.items())
        super().__init__(f"the witness quorum {rule} is not met ({reasons})")
        self.failures = failures


@dataclass(frozen=True)
class WitnessPolicy:
    """The policy file's bytes, as /log/policy serves them, and what they say."""

    text: bytes
    policy: Policy


@dataclass(frozen=True)
class _Loaded:
    source: tuple[object, ...]
    policy: WitnessPolicy


class _LoadedPolicy:
    """The policy this process last read; one reference, replaced whole (thread-safe)."""

    loaded: _Loaded | None = None


_LOADED = _LoadedPolicy()


def policy_problems(policy: Policy, *, origin: str, debug: bool) -> list[str]:
    """What makes `policy` unfit to be the log's own (empty when nothing does)."""
    problems = []
    if not policy.logs:
        problems.append("it has no log line; it must name this log's key")
    for log in policy.logs:
        if log.verifier.name != origin:
            problems.append(
                f"its log key {log.verifier.name}+{log.verifier.key_id:08x} is not named "
                f"after this log's origin {origin}"
            )
    for witness in policy.witnesses:
        if witness.url is not None and not witness.url.startswith(URL_SCHEMES):
            problems.append(f"witness {witness.name}'s URL is not an http:// or https:// URL")
    if policy.quorum == NONE and policy.witnesses and not debug:
        problems.append(
            "its quorum is none while it lists witnesses: checkpoints would be published "
            "without a single cosignature; name the quorum (quorum none is allowed with "
            "witnesses only with DEBUG on)"
        )
    reachable = {w.name for w in policy.witnesses if w.url is not None}
    if not quorum_met(policy, reachable):
        unreachable = ", ".join(w.name for w in policy.witnesses if w.url is None)
        problems.append(
            f"its quorum {quorum_rule(policy)} cannot be met by the witnesses it gives a URL "
            f"(none for: {unreachable})"
        )
    return problems


def _load(path: Path) -> WitnessPolicy:
    where = f"WITNESS_POLICY={str(path)!r}"
    try:
        with path.open("rb") as f:
            text = f.read(MAX_POLICY_BYTES + 1)
    except OSError as e:
        raise ImproperlyConfigured(f"{where}: cannot read it ({e.strerror})") from None
    if len(text) > MAX_POLICY_BYTES:
        raise ImproperlyConfigured(f"{where}: larger than {MAX_POLICY_BYTES} bytes")
    try:
        policy = parse_policy(text)
    except PolicyError as e:
        raise ImproperlyConfigured(f"{where}: {e}") from None
    problems = policy_problems(policy, origin=settings.LOG_ORIGIN, debug=settings.DEBUG)
    if problems:
        raise ImproperlyConfigured(f"{where}: {'; '.join(problems)}")
    return WitnessPolicy(text=text, policy=policy)


def witness_policy() -> WitnessPolicy | None:
    """Returns the log's witness policy, or None without WITNESS_POLICY.

    Raises ImproperlyConfigured, naming the file and every problem, when it cannot be read,
    does not parse, or is unfit (policy_problems). The file is read again whenever it
    changes on disk (one stat a call), so every process follows an edited policy.
    """
    path = settings.WITNESS_POLICY
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError as e:
        raise ImproperlyConfigured(
            f"WITNESS_POLICY={str(path)!r}: cannot read it ({e.strerror})"
        ) from None
    source = (
        str(path), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size,
        settings.LOG_ORIGIN, settings.DEBUG,
    )  # fmt: skip
    loaded = _LOADED.loaded
    if loaded is None or loaded.source != source:
        loaded = _LOADED.loaded = _Loaded(source, _load(Path(path)))
    return loaded.policy


def log_key_problem(policy: Policy, vkey: str) -> str | None:
    """Why the policy does not accept the log's verifier key `vkey`, or None when it does."""
    if Verifier(vkey) in {log.verifier for log in policy.logs}:
        return None
    return f"it does not name the log's key {vkey} on a log line"


def _log_signed_text(policy: Policy, note: bytes) -> str:
    """The note's text, once a signature by one of the policy's log keys verifies on it."""
    try:
        return open_note(note, [log.verifier for log in policy.logs]).text
    except NoteError as e:
        raise ImproperlyConfigured(
            f"WITNESS_POLICY: the checkpoint is not signed by a log key the policy names ({e})"
        ) from None


@dataclass
class _Outcome:
    """What asking one witness came to."""

    witness: PolicyWitness
    cosigned: Cosigned | None = None
    # The size the witness is now known to have cosigned, when this request told.
    size: int | None = None
    error: str = ""


@dataclass
class _Cosigning:
    """One checkpoint going to the witnesses: the note, its size and the proofs made so far."""

    note: bytes
    text: str
    size: int
    proof: Proof
    timeout: float
    proofs: dict[int, tuple[bytes, ...]] = field(default_factory=dict)

    def proof_from(self, old: int) -> tuple[bytes, ...]:
        # Several witnesses usually share an old size: each proof is made once.
        if old in (0, self.size):
            return ()
        if old not in self.proofs:
            self.proofs[old] = tuple(self.proof(old))
        return self.proofs[old]


def _ask(
    pool: ThreadPoolExecutor, checkpoint: _Cosigning, asking: Sequence[tuple[PolicyWitness, int]]
) -> list[tuple[PolicyWitness, Cosigned | Conflict | str]]:
    """Sends the requests at once; returns each witness's answer, or why it has none.

    Only the HTTP exchanges run in the pool's threads: the proofs are read here, in the
    caller's thread, whose transaction may hold tiles no other connection sees yet.
    """
    futures: list[tuple[PolicyWitness, Future[Cosigned | Conflict]]] = []
    for witness, old in asking:
        future = pool.submit(
            add_checkpoint,
            witness=witness,
            old_size=old,
            proof=checkpoint.proof_from(old),
            note=checkpoint.note,
            text=checkpoint.text,
            timeout=checkpoint.timeout,
        )
        futures.append((witness, future))
    wait([f for _, f in futures], timeout=checkpoint.timeout)
    answers: list[tuple[PolicyWitness, Cosigned | Conflict | str]] = []
    for witness, future in futures:
        if not future.done():
            answers.append((witness, f"no answer within {checkpoint.timeout:g} s"))
            continue
        try:
            answers.append((witness, future.result()))
        except WitnessFailure as e:
            answers.append((witness, str(e)))
        except Exception as e:  # a witness's odd answer must never stop the others counting
            logger.exception("witness %s: the request failed unexpectedly", witness.name)
            answers.append((witness, f"the request failed ({type(e).__name__})"))
    return answers


def _outcomes(
    checkpoint: _Cosigning, witnesses: Sequence[PolicyWitness], old_size: int
) -> list[_Outcome]:
    """Asks every witness; re-asks once, from the size it names, each that answers 409."""
    known = read.witness_statuses([w.verifier.vkey for w in witnesses])
    outcomes = {w.name: _Outcome(w) for w in witnesses}
    asking = []
    for witness in witnesses:
        status = known.get(witness.verifier.vkey)
        guess = old_size if status is None or status.size is None else status.size
        # Recorded beyond this tree (a witness's reset, a tree the log rolled back): from 0,
        # which a witness that has cosigned anything answers with its size.
        asking.append((witness, guess if guess <= checkpoint.size else 0))
    pool = ThreadPoolExecutor(max_workers=len(witnesses), thread_name_prefix="witness")
    try:
        for attempt in (1, 2):
            again = []
            for witness, answer in _ask(pool, checkpoint, asking):
                outcome = outcomes[witness.name]
                if isinstance(answer, Cosigned):
                    outcome.cosigned, outcome.size, outcome.error = answer, checkpoint.size, ""
                elif isinstance(answer, str):
                    outcome.error = answer
                else:
                    outcome.size = answer.size
                    if answer.size > checkpoint.size:
                        outcome.error = (
                            f"it has cosigned a tree of {answer.size} leaves, larger than this "
                            f"checkpoint's {checkpoint.size}"
                        )
                    elif attempt == 2:
                        outcome.error = f"it answered 409 again, naming size {answer.size}"
                    else:
                        again.append((witness, answer.size))
            if not again:
                break
            asking = again
    finally:
        # A witness that has not answered in time is not waited for; its thread ends at
        # its socket's timeout and touches nothing of the log's.
        pool.shutdown(wait=False, cancel_futures=True)
    return list(outcomes.values())


def _statuses_write(outcomes: Sequence[_Outcome], now: datetime) -> None:
    cosigned = [o for o in outcomes if o.cosigned is not None]
    failed_sized = [o for o in outcomes if o.cosigned is None and o.size is not None]
    failed = [o for o in outcomes if o.cosigned is None and o.size is None]
    for group, fields in (
        (cosigned, ["name", "size", "cosigned"]),
        (failed_sized, ["name", "size", "error", "failed"]),
        (failed, ["name", "error", "failed"]),
    ):
        if not group:
            continue
        rows = [
            WitnessStatus(
                vkey=o.witness.verifier.vkey,
                name=o.witness.name,
                size=o.size,
                cosigned=now if o.cosigned is not None else None,
                error=o.error,
                failed=None if o.cosigned is not None else now,
            )
            for o in group
        ]
        WitnessStatus.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["vkey"], update_fields=fields
        )


def _statuses_write_apart(outcomes: Sequence[_Outcome], now: datetime) -> None:
    try:
        _statuses_write(outcomes, now)
    except DatabaseError:
        logger.exception("cannot record the witnesses' answers")
    finally:
        connections.close_all()  # this thread's own


def _statuses_record(outcomes: Sequence[_Outcome]) -> None:
    """Records each witness's outcome, committed whatever becomes of the caller's
    transaction: when the quorum fails the caller rolls back, and the failures must stay
    on record for /status and the admin."""
    now = timezone.now()
    if connection.vendor == "sqlite":
        # SQLite has one writer, perhaps the caller inside its transaction: a second
        # connection would wait for it for ever. The record shares the caller's fate.
        _statuses_write(outcomes, now)
        return
    writer = threading.Thread(target=_statuses_write_apart, args=(outcomes, now))
    writer.start()
    writer.join()


def checkpoint_cosign(note: bytes, size: int, old_size: int, proof: Proof) -> bytes:
    """Returns the log-signed checkpoint `note` (of `size` leaves) with its witnesses'
    cosignature lines appended, once they make the policy's quorum.

    `old_size` is the size of the previous published checkpoint, the old size sent to a
    witness the log knows nothing of yet; `proof(old)` returns the consistency proof from
    the tree of `old` leaves to this one. Raises QuorumNotMet, naming each witness that
    did not cosign and why; ImproperlyConfigured when the policy is unfit or does not name
    the key that signed the note. Without WITNESS_POLICY, returns the note unchanged.
    """
    loaded = witness_policy()
    if loaded is None:
        return note
    policy = loaded.policy
    text = _log_signed_text(policy, note)
    if parse_checkpoint(text).size != size or not 0 <= old_size <= size:
        raise ValueError(f"sizes {old_size} and {size} do not fit the checkpoint")
    witnesses = [w for w in policy.witnesses if w.url is not None]
    if not witnesses:
        return note
    checkpoint = _Cosigning(note, text, size, proof, settings.WITNESS_TIMEOUT)
    outcomes = _outcomes(checkpoint, witnesses, old_size)
    _statuses_record(outcomes)
    for o in outcomes:
        if o.error:
            logger.warning("witness %s did not cosign size %d: %s", o.witness.name, size, o.error)
    sigs = [o.cosigned.signature for o in outcomes if o.cosigned is not None]
    try:
        check_quorum(policy, text, sigs)
    except QuorumError:
        failures = {o.witness.name: o.error for o in outcomes if o.error}
        failures |= {w.name: "the policy gives it no URL" for w in policy.witnesses if not w.url}
        raise QuorumNotMet(quorum_rule(policy), failures) from None
    return note + "".join(format_signature_line(s) for s in sigs).encode("utf-8")


@dataclass(frozen=True)
class FailingWitness:
    """A witness whose last answer was a failure: its name in the policy, why, since when."""

    name: str
    error: str
    since: datetime


@dataclass(frozen=True)
class WitnessingState:
    """How the witnessing stands, from each witness's last answer.

    "ok": none fails; "degraded": some fail, but the others still make the quorum;
    "failing": those not failing cannot make the quorum, so nothing new is published.
    A witness never asked yet counts as not failing.
    """

    state: str
    failing: tuple[FailingWitness, ...]


def witnessing_state() -> WitnessingState | None:
    """Returns how the witnessing stands, or None without WITNESS_POLICY; raises
    ImproperlyConfigured as witness_policy does."""
    loaded = witness_policy()
    if loaded is None:
        return None
    policy = loaded.policy
    witnesses = [w for w in policy.witnesses if w.url is not None]
    known = read.witness_statuses([w.verifier.vkey for w in witnesses])
    failing = []
    for witness in witnesses:
        status = known.get(witness.verifier.vkey)
        if status is not None and status.failing and status.failed is not None:
            failing.append(FailingWitness(witness.name, status.error, status.failed))
    up = {w.name for w in witnesses} - {f.name for f in failing}
    if not quorum_met(policy, up):
        state = "failing"
    else:
        state = "degraded" if failing else "ok"
    return WitnessingState(state=state, failing=tuple(failing))
