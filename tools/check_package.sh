#!/usr/bin/env bash
# Build kidal's wheel, install it into a fresh virtualenv outside the checkout, and check that
# the installed package alone migrates, passes `check --deploy`, loads the demo and serves
# pages and static files with gunicorn. Used by CI (.ci/run).
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3.11}"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

"$project/.venv/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
  -w wheel "$project"
"$python" -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check "$(ls wheel/kidal-*.whl)[prod]"

export KIDAL_DATA_DIR="$work/data" DJANGO_SETTINGS_MODULE=kidal.settings
mkdir -p "$KIDAL_DATA_DIR"
production=(env DEBUG=0 ALLOWED_HOSTS=127.0.0.1
  SECRET_KEY="$(venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')")

venv/bin/kidal migrate --noinput -v0
"${production[@]}" venv/bin/kidal check --deploy --fail-level WARNING
DEBUG=1 venv/bin/kidal load_demo >/dev/null
"${production[@]}" venv/bin/kidal collectstatic --noinput -v0

port="$(venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${production[@]}" SECURE_SSL_REDIRECT=0 venv/bin/gunicorn kidal.wsgi \
  --bind "127.0.0.1:$port" --log-level warning &
server=$!
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.2
done
for path in / /events/ /claims/ /map/ /static/kidal/site.css /exports/events.csv /healthz; do
  status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")"
  echo "installed package: $path $status"
  [ "$status" = 200 ]
done
curl -fs -H 'Accept-Language: fr' "http://127.0.0.1:$port/" | grep -q '<html lang="fr">'
echo "installed package: migrations, checks, demo, pages, static files and French all work"
