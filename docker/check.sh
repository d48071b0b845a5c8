#!/bin/sh
# Validates the Docker files without a Docker engine (none runs on the dev machines or CI):
#   compose.yaml  docker-compose config -q   (Debian: apt-get install docker-compose)
#   nginx.conf    nginx -t on a copy whose upstreams are 127.0.0.1 (apt-get install nginx-light)
#   entrypoint.sh shellcheck                  (apt-get install shellcheck)
# A missing tool is reported and its step skipped; any failing step fails the script.
set -eu
cd "$(dirname "$0")"

tmp=$(mktemp -d)
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    rm -rf "$tmp"
    if [ -n "${made_env:-}" ]; then rm -f .env; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status=0
if command -v docker-compose >/dev/null 2>&1; then
    # compose.yaml needs docker/.env: use the template, with the required secrets filled in.
    if [ ! -e .env ]; then
        made_env=1
        sed -e 's/^SECRET_KEY=$/SECRET_KEY=check-only-0123456789abcdefghijklmnopqrstuvwxyz-0123456789/' \
            -e 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=check-only/' .env.example >.env
    fi
    if docker-compose -f compose.yaml config -q; then
        echo "compose.yaml: valid"
    else
        status=1
    fi
else
    echo "compose.yaml: NOT CHECKED (docker-compose is not installed)"
fi

if command -v nginx >/dev/null 2>&1; then
    # Debian's nginx (1.22) predates the upstream `resolve` parameter (1.27.3): dropped here.
    sed -e 's/web:8000 resolve/127.0.0.1:8000/' \
        -e 's/^user nginx;/user root;/' \
        -e "s#^pid .*#pid $tmp/nginx.pid;#" \
        -e "s#/var/cache/nginx/static#$tmp/static#" nginx.conf >"$tmp/nginx.conf"
    if nginx -t -q -c "$tmp/nginx.conf"; then echo "nginx.conf: valid"; else status=1; fi
else
    echo "nginx.conf: NOT CHECKED (nginx is not installed)"
fi

if command -v shellcheck >/dev/null 2>&1; then
    if shellcheck entrypoint.sh check.sh; then echo "entrypoint.sh: shellcheck clean"; else status=1; fi
else
    echo "entrypoint.sh: NOT CHECKED (shellcheck is not installed)"
fi

exit "$status"
