from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "judicial_verify.mirror"
    default_auto_field = "django.db.models.BigAutoField"
