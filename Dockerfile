# One image for web (gunicorn), worker (celery worker) and beat (celery beat).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files (admin, API docs, shopper pages) are collected at build time and served by WhiteNoise:
# hashed names (staticfiles.json), each with gzip and brotli copies, cached by browsers for a year.
RUN DEBUG=0 python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin postpurchase \
    && mkdir -p /app/media \
    && chown -R postpurchase:postpurchase /app/media

USER postpurchase

EXPOSE 8000
# --preload: the code is loaded once, before the workers fork, and shared copy-on-write
# (docs/operations.md: memory per process, and why a new release is a restart, not a HUP).
CMD ["gunicorn", "postpurchase.wsgi", "--bind=0.0.0.0:8000", "--workers=3", "--threads=4", "--preload", "--config=gunicorn.conf.py", "--access-logfile=-"]
