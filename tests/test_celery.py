"""The Celery app: in-process without Redis, on Redis with REDIS_URL, and out of the way of
judicial_verify.tlog."""

from pathlib import Path

from tests.test_settings import django, run

SHARED_TASK = """
from celery import current_app, shared_task

@shared_task
def add(a, b):
    return a + b

print(current_app.main, current_app.conf.broker_url, add.delay(2, 3).get())
"""


def test_it_runs_shared_tasks_in_process_without_redis(tmp_path: Path) -> None:
    result = django(tmp_path, SHARED_TASK)
    assert result.stdout.strip() == "judicial_verify memory:// 5", result.stderr


def test_it_queues_tasks_on_redis_with_redis_url(tmp_path: Path) -> None:
    code = (
        "from judicial_verify.celery import app\n"
        "print(app.conf.task_always_eager, app.conf.broker_url)"
    )
    result = django(tmp_path, code, REDIS_URL="redis://broker.internal:6379/0")
    assert result.stdout.strip() == "False redis://broker.internal:6379/0", result.stderr


def test_it_keeps_celery_and_django_out_of_an_import_of_tlog(tmp_path: Path) -> None:
    code = (
        "import sys, judicial_verify.tlog\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('celery', 'django')))"
    )
    result = run(tmp_path, "-c", code, DJANGO_SETTINGS_MODULE="")
    assert result.stdout.strip() == "[]", result.stderr
