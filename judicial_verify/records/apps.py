from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "judicial_verify.records"
    default_auto_field = "django.db.models.BigAutoField"
