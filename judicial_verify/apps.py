from django.apps import AppConfig


class JudicialVerifyConfig(AppConfig):
    """The project package as an app, only to create the Celery app whenever Django starts,
    so that `shared_task`s bind to it. judicial_verify/__init__.py, the usual place, would
    load Celery and Django with every import of judicial_verify.tlog, and the offline
    verifier must run with neither."""

    name = "judicial_verify"

    def ready(self) -> None:
        from judicial_verify import celery  # noqa: F401
