"""The log's alliance as the log page shows it: each witness of the log's policy, the
institution that runs it, and the last checkpoint the log knows it cosigned.

A tlog-policy names a witness by a short key name (`procuratorate`); who runs it is said in
WITNESS_INSTITUTIONS, a JSON file beside the policy mapping each witness name to its
institution's name in each language of the portal:

    {"procuratorate": {"zh-hans": "北京市人民检察院", "en": "Beijing People's Procuratorate"}}

The policy file stays a plain C2SP tlog-policy that any other tool reads.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from judicial_verify.ledger import read
from judicial_verify.ledger.witnessing import witness_policy
from judicial_verify.tlog.policy import quorum_rule

logger = logging.getLogger(__name__)

# A name or two per witness; past this the file is not read further.
MAX_INSTITUTIONS_BYTES = 64 * 1024


@dataclass(frozen=True)
class AllianceWitness:
    """One witness of the policy as the page shows it. `size` and `cosigned` are the tree
    size the log last knew it to have cosigned and when the log last received its
    cosignature (None: never yet); `failing_since` is set while its last answer failed."""

    name: str
    institution: str
    vkey: str
    size: int | None
    cosigned: datetime | None
    failing_since: datetime | None


@dataclass(frozen=True)
class Alliance:
    """The policy's quorum (as tlog-policy states it) and its witnesses."""

    quorum: str
    witnesses: tuple[AllianceWitness, ...]


def _problem(path: Path, what: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"WITNESS_INSTITUTIONS={str(path)!r}: {what}")


def institutions() -> dict[str, dict[str, str]]:
    """Each witness name's institution, by language code, from WITNESS_INSTITUTIONS (empty
    when unset). Raises ImproperlyConfigured, naming the file and the fault, when it cannot
    be read or is not an object of objects giving a name in every language of the portal."""
    path = settings.WITNESS_INSTITUTIONS
    if path is None:
        return {}
    try:
        with path.open("rb") as f:
            text = f.read(MAX_INSTITUTIONS_BYTES + 1)
    except OSError as e:
        raise _problem(path, f"cannot read it ({e.strerror})") from None
    if len(text) > MAX_INSTITUTIONS_BYTES:
        raise _problem(path, f"larger than {MAX_INSTITUTIONS_BYTES} bytes")
    try:
        names = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _problem(path, f"not JSON ({e})") from None
    languages = [code for code, _ in settings.LANGUAGES]
    if not isinstance(names, dict):
        raise _problem(path, "not a JSON object of witness names")
    for witness, by_language in names.items():
        if not isinstance(by_language, dict) or any(
            not isinstance(by_language.get(code), str) or not by_language[code].strip()
            for code in languages
        ):
            raise _problem(
                path,
                f"witness {witness!r} needs its institution's name in each of "
                f"{', '.join(languages)}, as an object of strings",
            )
    return {witness: dict(by_language) for witness, by_language in names.items()}


def institution_names(*, language: str) -> dict[str, str]:
    """Each witness name's institution in `language`, from WITNESS_INSTITUTIONS; an unfit
    file is logged (`manage.py check` reports it) and names none, so that witnesses are shown
    by their names in the policy alone."""
    try:
        names = institutions()
    except ImproperlyConfigured:
        logger.exception("no institution is named")
        return {}
    return {
        witness: by_language[language]
        for witness, by_language in names.items()
        if language in by_language
    }


def alliance_get(*, language: str) -> Alliance | None:
    """The log's alliance with each institution named in `language`; None without
    WITNESS_POLICY. Raises ImproperlyConfigured as witness_policy does; an unfit
    WITNESS_INSTITUTIONS is logged (`manage.py check` reports it) and the witnesses are
    shown by their names in the policy alone."""
    loaded = witness_policy()
    if loaded is None:
        return None
    policy = loaded.policy
    names = institution_names(language=language)
    known = read.witness_statuses([w.verifier.vkey for w in policy.witnesses])
    witnesses = []
    for witness in policy.witnesses:
        status = known.get(witness.verifier.vkey)
        witnesses.append(
            AllianceWitness(
                name=witness.name,
                institution=names.get(witness.name, ""),
                vkey=witness.verifier.vkey,
                size=status.size if status is not None and status.cosigned else None,
                cosigned=status.cosigned if status is not None else None,
                failing_since=status.failed if status is not None and status.failing else None,
            )
        )
    return Alliance(quorum=quorum_rule(policy), witnesses=tuple(witnesses))
