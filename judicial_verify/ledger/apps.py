from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "judicial_verify.ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, lookups  # noqa: F401 (register the system checks, field__any)
