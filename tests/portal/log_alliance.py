"""A log with an alliance, as the log page shows it: a witness policy of three witnesses (any
two a quorum), the institutions that run them in WITNESS_INSTITUTIONS, and what the log knows
of each: the procuratorate cosigned 12 records, the notary cosigned 9 and fails since, the
arbitration commission was never asked."""

import json
from datetime import UTC, datetime
from pathlib import Path

from django.conf import LazySettings

from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import WitnessStatus
from judicial_verify.tlog.cosignature import generate_cosigner_key

NAMES = ("procuratorate", "notary", "arbitration")
INSTITUTIONS = {
    "procuratorate": {"zh-hans": "北京市人民检察院", "en": "Beijing People's Procuratorate"},
    "notary": {"zh-hans": "北京市方圆公证处", "en": "Beijing Fangyuan Notary Office"},
    "arbitration": {"zh-hans": "北京仲裁委员会", "en": "Beijing Arbitration Commission"},
}
COSIGNED = datetime(2026, 11, 20, 2, 30, 5, tzinfo=UTC)
NOTARY_COSIGNED = datetime(2026, 11, 20, 1, 0, 0, tzinfo=UTC)
NOTARY_FAILED = datetime(2026, 11, 20, 2, 0, 0, tzinfo=UTC)


def policy_write(path: Path, vkeys: dict[str, str]) -> Path:
    lines = [f"log {log_signer().verifier_key}"]
    lines += [f"witness {n} {vkeys[n]} https://{n}.example/witness" for n in NAMES]
    lines += [f"group alliance 2 {' '.join(NAMES)}", "quorum alliance"]
    path.write_text("\n".join(lines) + "\n")
    return path


def alliance_configure(
    settings: LazySettings, folder: Path, institutions: object = INSTITUTIONS
) -> dict[str, str]:
    """Sets WITNESS_POLICY and WITNESS_INSTITUTIONS (to `institutions` as JSON) and records
    the witnesses' statuses; returns each witness's key."""
    vkeys = {n: generate_cosigner_key(f"{n}.example/witness")[1] for n in NAMES}
    settings.WITNESS_POLICY = policy_write(folder / "log.policy", vkeys)
    path = folder / "institutions.json"
    path.write_text(json.dumps(institutions, ensure_ascii=False))
    settings.WITNESS_INSTITUTIONS = path
    WitnessStatus.objects.create(
        vkey=vkeys["procuratorate"], name="procuratorate", size=12, cosigned=COSIGNED
    )
    WitnessStatus.objects.create(
        vkey=vkeys["notary"],
        name="notary",
        size=9,
        cosigned=NOTARY_COSIGNED,
        error="cannot connect (Connection refused)",
        failed=NOTARY_FAILED,
    )
    return vkeys
