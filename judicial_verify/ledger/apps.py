from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "judicial_verify.ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import lookups  # noqa: F401 (registers field__any)
