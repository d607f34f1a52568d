"""System checks of the ledger's configuration, run by `manage.py check`, `migrate` and
`runserver`: a witness policy that could not serve the log stops them with its reasons."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from .keys import key_file_path, log_signer
from .witnessing import log_key_problem, witness_policy


@register()
def witness_policy_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """WITNESS_POLICY reads, parses, is fit for the log, and names the log's current key."""
    try:
        loaded = witness_policy()
    except ImproperlyConfigured as e:
        return [Error(str(e), id="ledger.E001")]
    if loaded is None:
        return []
    # The check must not make the log's key: a policy cannot name a key not yet made.
    if not settings.LOG_SIGNING_KEY and not key_file_path().exists():
        return [
            Error(
                "WITNESS_POLICY is set but the log has no signing key yet",
                hint="run `manage.py log_key` to make it, and name the key it prints on the "
                "policy's log line",
                id="ledger.E002",
            )
        ]
    try:
        vkey = log_signer().verifier_key
    except ImproperlyConfigured as e:
        return [Error(str(e), id="ledger.E003")]
    problem = log_key_problem(loaded.policy, vkey)
    if problem is not None:
        return [Error(f"WITNESS_POLICY: {problem}", id="ledger.E004")]
    return []
