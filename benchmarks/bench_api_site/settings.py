"""Settings of bench_api.py's gunicorn: the product's, plus a URLconf that adds the
benchmark's bare view and the run's own Celery queue. Benchmark-only, never deployed:
bench_api.py selects it with DJANGO_SETTINGS_MODULE=bench_api_site.settings and
`--pythonpath benchmarks`.
"""

import os

from judicial_verify.settings import *  # noqa: F403 (the product's settings, unchanged)

# The product's URLs and /bench/bare beside them (urls.py).
ROOT_URLCONF = "bench_api_site.urls"
# Integration tasks go to this run's queue, which only its own worker consumes.
CELERY_TASK_DEFAULT_QUEUE = os.environ["BENCH_API_QUEUE"]
