"""gunicorn's settings for kidal: ``gunicorn -c deploy/gunicorn.conf.py kidal.wsgi``.

Every value can be changed from the environment, as the systemd unit does."""

import multiprocessing
import os

bind = os.environ.get("KIDAL_BIND", "unix:/run/kidal/gunicorn.sock")
# Requests are short and mostly served from the page cache: two workers per core.
workers = int(os.environ.get("KIDAL_WORKERS", 2 * multiprocessing.cpu_count()))
timeout = int(os.environ.get("KIDAL_WORKER_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows for weeks.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("KIDAL_ACCESS_LOG", "-")
errorlog = "-"
# nginx on the same machine is the only client; it sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("KIDAL_PROXY_ADDRESSES", "127.0.0.1")
