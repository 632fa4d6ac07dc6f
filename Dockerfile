# syntax=docker/dockerfile:1
# One image for every role: `printline api` (default), `printline worker`, `printline db upgrade`.
# pyvips[binary] brings its own libvips and pikepdf its own qpdf, so no system libraries are needed.
# Pin the base by digest in the release pipeline (python:3.11-slim@sha256:...) for reproducible builds.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, from setup.cfg alone, so a code change does not reinstall them.
COPY setup.cfg pyproject.toml README.m[d] ./
RUN python -c "import configparser; c = configparser.ConfigParser(); c.read('setup.cfg'); \
print(c['options']['install_requires'].strip())" > /tmp/requirements.txt \
 && pip install --upgrade "pip>=24" \
 && pip install -r /tmp/requirements.txt
COPY . .
# Install, then fail the build early if the command or the packaged data files did not make it.
RUN pip install --no-deps . \
 && cd / && printline --help > /dev/null \
 && python -c "from records.migrate import MIGRATIONS; assert any((MIGRATIONS / 'versions').glob('*.py')), MIGRATIONS"

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PRINTLINE_VAR_DIR=/var/lib/printline \
    PRINTLINE_API_HOST=0.0.0.0 \
    PRINTLINE_API_PORT=8000 \
    PRINTLINE_LOG_JSON=true \
    MALLOC_ARENA_MAX=2
# MALLOC_ARENA_MAX covers every process in the image; printline's own also cap themselves (PRINTLINE_MALLOC_ARENAS)
RUN groupadd --system --gid 10001 printline \
 && useradd --system --uid 10001 --gid printline --home-dir /var/lib/printline --shell /usr/sbin/nologin printline \
 && install -d -o printline -g printline -m 0750 /var/lib/printline
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /var/lib/printline
EXPOSE 8000
# For the API container only; run workers with `--no-healthcheck` (Compose: `healthcheck: {disable: true}`).
# Kubernetes ignores this and uses the probes in k8s/.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PRINTLINE_API_PORT', '8000'), timeout=4)"]
ENTRYPOINT []
CMD ["printline", "api"]
