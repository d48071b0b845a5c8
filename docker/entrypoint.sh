#!/bin/sh
# Container entry point: refuse to start with development defaults, optionally migrate, then serve.
#   (no arguments)  Daphne on 0.0.0.0:8000 (HTTP and WebSockets).
#   any command     run it instead of Daphne, after the check (e.g. python manage.py migrate).
set -eu

# The project root (/app in the image).
cd "$(dirname "$0")/.."

# Errors (informaction.E00x: SQLite, in-memory channel layer, DEBUG, weak SECRET_KEY, no
# ALLOWED_HOSTS) always fail; Django's security warnings fail too at the default level.
python manage.py check --deploy --fail-level "${CHECK_FAIL_LEVEL:-WARNING}"

# Only one container may migrate, or two workers race on the same tables: compose.yaml gives
# the job to the one-shot `migrate` service; set RUN_MIGRATIONS=true for a single container.
if [ "${RUN_MIGRATIONS:-false}" = "true" ]; then
    python manage.py migrate --noinput
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# --proxy-headers: the client's address and scheme come from the proxy's X-Forwarded-For and
# X-Forwarded-Proto (the port is not published, so only the proxy reaches it).
exec daphne -b 0.0.0.0 -p 8000 --proxy-headers informaction.asgi:application
