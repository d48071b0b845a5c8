#!/usr/bin/env bash
# The project's entry point. `./dev.sh demo` runs the seeded demo (`--lan`: reachable from phones on
# the same network); `./dev.sh test` runs every test.
# Both set up what they need on first use (virtual environment, packages, database).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
PY="$VENV/bin/python"
PG_TEST_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
REDIS_TEST_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
loud() { printf '\n\033[1;33m!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!! %s\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

ensure_venv() {
  local extras=$1
  if [ ! -x "$PY" ]; then
    say "Creating the virtual environment ($VENV)"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      # Debian ships venv support in a separate package.
      apt_install python3-venv || { echo "Install python3-venv, then run again." >&2; exit 1; }
      "$PYTHON" -m venv "$VENV"
    fi
  fi
  local stamp
  stamp="$VENV/.installed-$extras-$(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "Installing Inform'action and its dependencies [$extras]"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -e ".[$extras]"
    rm -f "$VENV"/.installed-"$extras"-*
    touch "$stamp"
  fi
}

port_open() { "$PY" - "$1" "$2" <<'EOF'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
EOF
}

cmd_demo() {
  local port=${PORT:-8000} bind=127.0.0.1 base name value lan_env
  case "${1:-}" in
    "" | --lan) ;;
    *) echo "usage: ./dev.sh demo [--lan]" >&2; exit 2 ;;
  esac
  ensure_venv real
  base="http://127.0.0.1:$port"
  if [ "${1:-}" = --lan ]; then
    # The machine's address on its network (informaction/lan.py; LAN_ADDRESS overrides it), put
    # in ALLOWED_HOSTS (which the WebSocket origin check reads), CSRF_TRUSTED_ORIGINS and SITE_URL.
    lan_env=$("$PY" -m informaction.lan "$port") || exit 1
    while IFS='=' read -r name value; do export "$name=$value"; done <<<"$lan_env"
    bind=0.0.0.0 base=$SITE_URL
  fi
  export DJANGO_SETTINGS_MODULE=informaction.settings
  say "Preparing the database (SQLite in data/, in-memory channel layer)"
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py seed_demo --base-url "$base"
  if [ "$bind" = 0.0.0.0 ]; then
    say "Serving on $base/ for the devices of this network, with Daphne (Ctrl-C to stop)"
    echo "Phones on the same Wi-Fi join at $base (the QR code carries it). A firewall on this"
    echo "machine must let them reach port $port; some guest Wi-Fi networks keep devices apart."
  else
    say "Serving on $base/ with Daphne (Ctrl-C to stop); for phones: ./dev.sh demo --lan"
  fi
  exec "$PY" -m daphne -b "$bind" -p "$port" informaction.asgi:application
}

ensure_axe() {
  # axe-core for the accessibility browser tests (tests/e2e/test_a11y.py), from npm, pinned by
  # tests/e2e/package-lock.json; reinstalled when the lock changes. Without npm the tests skip
  # (and fail under CI=true).
  local dir=tests/e2e stamp
  stamp="$dir/node_modules/.lock-$(sha256sum "$dir/package-lock.json" | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  if ! command -v npm >/dev/null; then
    loud "npm is missing: axe-core cannot be installed, the accessibility tests will not run (install Node.js and npm)"
    return 0
  fi
  say "Installing axe-core for the accessibility tests (npm ci in $dir)"
  if (cd "$dir" && npm ci --silent --no-audit --no-fund); then
    touch "$stamp"
  else
    loud "npm ci failed in $dir: the accessibility tests will not run"
  fi
}

run_pytest() {
  # pytest's exit code 5 (no test collected) is a failure here, like any other.
  "$PY" -m pytest "$@"
}

cmd_test() {
  ensure_venv dev
  local failed=0 skipped_backends=""
  export DJANGO_SETTINGS_MODULE=informaction.settings
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Debian's Chromium for the browser tests"
    apt_install chromium fonts-dejavu-core || loud "Chromium is not installed and could not be: browser tests will not run"
  fi
  ensure_axe
  if ! ldconfig -p 2>/dev/null | grep -q libpangoft2; then
    say "Installing Pango and fonts for the PDF minutes"
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-symbola \
      || loud "Pango could not be installed: the PDF minutes tests will fail"
  fi

  say "Lint and checks"
  "$VENV/bin/ruff" check . || failed=1
  env -u DATABASE_URL -u REDIS_URL "$PY" manage.py makemigrations --check --dry-run -v 1 || failed=1
  env -u DATABASE_URL -u REDIS_URL "$PY" manage.py check || failed=1
  "$PY" locale/check_catalogs.py || failed=1
  # The screens' room store (static/js/room-store.js), replayed on recorded frames (tests/js/).
  if command -v node >/dev/null 2>&1; then
    node --test tests/js/ || failed=1
  elif [ "${CI:-}" = "true" ]; then
    loud "CI: node is not installed: the JavaScript tests (node --test tests/js/) cannot run"
    failed=1
  else
    loud "NOT RUN: the JavaScript tests (node --test tests/js/): install Node.js 20 or later"
  fi

  say "Tests on the embedded defaults: SQLite + in-memory channel layer"
  (unset DATABASE_URL REDIS_URL; run_pytest "$@") || failed=1

  local pg_host pg_port
  pg_host=$(PG_TEST_URL="$PG_TEST_URL" "$PY" -c "import os, urllib.parse as u; p=u.urlparse(os.environ['PG_TEST_URL']); print(p.hostname, p.port or 5432)")
  read -r pg_host pg_port <<<"$pg_host"
  if port_open "$pg_host" "$pg_port" && port_open 127.0.0.1 6379; then
    say "Tests on the real backends: PostgreSQL ($PG_TEST_URL) + Redis ($REDIS_TEST_URL)"
    (export DATABASE_URL="$PG_TEST_URL" REDIS_URL="$REDIS_TEST_URL"; run_pytest "$@") || failed=1
  else
    skipped_backends="PostgreSQL + Redis"
    if [ "${CI:-}" = "true" ]; then
      loud "CI: PostgreSQL ($pg_host:$pg_port) or Redis (127.0.0.1:6379) is not reachable: the mandatory second run cannot happen"
      failed=1
    else
      loud "NOT RUN: the suite on PostgreSQL + Redis (no server on $pg_host:$pg_port or 127.0.0.1:6379). Start them and run again."
    fi
  fi

  if [ "$failed" != 0 ]; then
    loud "FAILED: see above"
    exit 1
  fi
  if [ -n "$skipped_backends" ]; then
    loud "Passed on SQLite + in-memory only; NOT run on $skipped_backends"
  else
    say "All passed on both backends"
  fi
}

case "${1:-}" in
  demo) shift; cmd_demo "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: ./dev.sh demo [--lan] | ./dev.sh test [pytest args]" >&2; exit 2 ;;
esac
