from django.apps import AppConfig


class WitnessConfig(AppConfig):
    name = "judicial_verify.witness"
    default_auto_field = "django.db.models.BigAutoField"
