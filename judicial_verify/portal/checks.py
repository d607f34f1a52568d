"""System checks of the portal's configuration, run by `manage.py check`, `migrate` and
`runserver`: the institutions file the log page names the witnesses by."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from judicial_verify.ledger.witnessing import witness_policy

from .alliance import institutions


@register()
def witness_institutions_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """WITNESS_INSTITUTIONS reads, names each institution in every language, and names only
    witnesses of the policy (ledger.E001 reports a policy that does not read)."""
    try:
        names = institutions()
    except ImproperlyConfigured as e:
        return [Error(str(e), id="portal.E001")]
    if not names:
        return []
    try:
        loaded = witness_policy()
    except ImproperlyConfigured:
        return []
    if loaded is None:
        return [
            Error(
                "WITNESS_INSTITUTIONS is set without WITNESS_POLICY: it names the institutions "
                "of the policy's witnesses",
                id="portal.E002",
            )
        ]
    unknown = sorted(set(names) - {w.name for w in loaded.policy.witnesses})
    if unknown:
        return [
            Error(
                f"WITNESS_INSTITUTIONS names {', '.join(unknown)}, which the witness policy "
                "does not",
                hint="each key must be the name of a witness line of WITNESS_POLICY",
                id="portal.E003",
            )
        ]
    return []
