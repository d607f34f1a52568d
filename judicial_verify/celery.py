"""The Celery app. Its settings are the CELERY_* names in settings.py: the broker is
REDIS_URL, and without it tasks run in-process (eager).

Created when Django starts (judicial_verify.apps), so `shared_task`s bind to it.
Workers: `celery -A judicial_verify worker`; each sweeps for pending entries when it starts
and periodically (judicial_verify.ledger.tasks), so no beat process is needed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "judicial_verify.settings")

app = Celery("judicial_verify")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# By name: the step's module needs Django's models, and a worker builds its steps only once
# Django is set up.
app.steps["consumer"].add("judicial_verify.ledger.tasks:IntegrationSweep")
