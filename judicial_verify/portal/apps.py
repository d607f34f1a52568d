from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "judicial_verify.portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (register the system checks)
