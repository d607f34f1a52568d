# Production image: gunicorn on :8000 with DEPLOYMENT=production. Give it SECRET_KEY (or
# SECRET_KEY_FILE), ALLOWED_HOSTS, DATABASE_URL and REDIS_URL, and TRUSTED_PROXIES, the TLS
# proxy's address, so rate limits count clients rather than the proxy; run `python manage.py
# migrate` once per release, and workers as `celery -A judicial_verify worker` from the same image.

FROM python:3.11-slim-bookworm AS builder
RUN python -m venv /venv
COPY requirements.txt /tmp/requirements.txt
RUN /venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STATE_DIR=/var/lib/judicial-verify
RUN groupadd --system --gid 10001 judicial \
    && useradd --system --uid 10001 --gid judicial --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin judicial \
    && install -d -m 0700 -o judicial -g judicial /var/lib/judicial-verify
COPY --from=builder /venv /venv
WORKDIR /app
COPY . .
# Production settings demand a key and hosts; these two serve this build step only.
RUN DEPLOYMENT=production SECRET_KEY=collectstatic-at-build-time-only-and-never-to-sign-anything ALLOWED_HOSTS=build.invalid \
    sh -c 'python manage.py compile_translations --verbosity 0 \
        && python manage.py collectstatic --noinput --verbosity 0'
ENV DEPLOYMENT=production
USER 10001:10001
VOLUME ["/var/lib/judicial-verify"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
# No control socket: the unprivileged user has no home to put it in. The access log's logger
# class redacts verification codes and tokens from request lines (judicial_verify.access_log).
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--no-control-socket", \
     "--access-logfile", "-", "--logger-class", "judicial_verify.access_log.Logger", \
     "judicial_verify.wsgi"]
