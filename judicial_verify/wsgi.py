"""The WSGI application, for gunicorn: `gunicorn judicial_verify.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "judicial_verify.settings")

application = get_wsgi_application()

# What is loaded by now lives as long as the process: modules, settings, and the views the
# URLconf imports (imported here rather than at the first request). Frozen, these 140,000
# objects are left out of the cyclic collector's full collections. A node's batch of
# 1,000 records makes some 50,000 objects that live until its answer is sent, enough to
# set off a full collection about every other request, and each spent some 110 ms scanning
# the loaded objects (benchmarks/RESULTS.md, batch submission, 2026-11-27). Raising the
# collector's thresholds as well saved a batch another 10 ms, but made the slowest of the
# public verification's answers four times as slow: the thresholds stay Python's.
get_resolver().url_patterns  # noqa: B018 (the property imports the views)
gc.freeze()
