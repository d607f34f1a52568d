"""The WSGI application, for gunicorn: `gunicorn judicial_verify.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "judicial_verify.settings")

application = get_wsgi_application()

# The cyclic garbage collector, tuned for a server whose requests make many objects that
# live until the answer is sent: a node's batch of 1,000 records makes some 50,000. Both
# changes are measured in benchmarks/RESULTS.md (batch submission, 2026-11-27).
#
# What is loaded by now lives as long as the process: modules, settings, and the views the
# URLconf imports (imported here rather than at the first request). Frozen, these 140,000
# objects are left out of full collections, which such a batch sets off about every other
# request and which each spent some 110 ms scanning them.
get_resolver().url_patterns  # noqa: B018 (the property imports the views)
gc.freeze()
# Python's default collects the youngest objects after every 700 allocations: over 50 times
# in such a request, finding almost nothing to free (reference counting frees the rest),
# and moving the batch's objects up into older generations that are then scanned again.
# After every 50,000 it collects about once a request: 19 ms of collection a batch became 5.
# Garbage in cycles, which only the collector frees, is still freed within a request or two.
gc.set_threshold(50_000, 10, 10)
