"""bench_api.py's server: the product's settings and URLconf with one benchmark-only view
added (settings.py, urls.py). A package, not a script: bench_api.py's gunicorn imports it
with `--pythonpath benchmarks` and DJANGO_SETTINGS_MODULE=bench_api_site.settings; it is
never deployed."""
