from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "judicial_verify.api"
    default_auto_field = "django.db.models.BigAutoField"
