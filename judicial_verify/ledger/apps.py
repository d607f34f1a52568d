from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "judicial_verify.ledger"
    default_auto_field = "django.db.models.BigAutoField"
