"""The WSGI application, for gunicorn: `gunicorn judicial_verify.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "judicial_verify.settings")

application = get_wsgi_application()
