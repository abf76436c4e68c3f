"""gunicorn settings of the dashboard (caei-dashboard.service; docs/deploy.md):
`gunicorn -c deploy/gunicorn.conf.py dashboard.wsgi:application`.

Workers: one process per CPU (CAEI_DASHBOARD_WORKERS overrides). A page is computed in Python (plotly figures,
layout encoding) under one interpreter lock per process, so more processes than CPUs add caches to fill, not
throughput; a few threads per worker cover the waits (DuckDB reads, a brief printed by Chromium). Slow clients
never reach a worker: nginx reads whole requests before passing them on (docs/security.md).

The answer cache is per worker (dashboard/response_cache.py, in memory): each worker pre-computes every page of
a new snapshot itself, in a background thread started after it has loaded the app (`post_worker_init`). That
costs each worker ~7 s of one CPU per publish (weekly); a shared cache (Redis) would save that at the price of a
network hop on every cached answer and another service to run, and is the step to take with many machines
(docs/scaling.md). No `preload_app`: a DuckDB connection must not be shared across fork.
"""

import multiprocessing
import os

bind = os.environ.get("CAEI_DASHBOARD_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("CAEI_DASHBOARD_WORKERS") or multiprocessing.cpu_count())
worker_class = "gthread"
threads = int(os.environ.get("CAEI_DASHBOARD_THREADS") or 4)
# A cold page takes up to ~1 s and a country brief printed to PDF several seconds; a worker silent for 120 s is
# stuck and is replaced.
timeout = 120
graceful_timeout = 30
keepalive = 5  # nginx keeps its connections to us open (upstream keepalive)
# Headers capped as by waitress under `caei dashboard` (64 KB); the 1 MiB body cap is the app's and nginx's.
limit_request_field_size = 65536
limit_request_line = 8190
forwarded_allow_ips = "127.0.0.1"
proxy_allow_ips = "127.0.0.1"
accesslog = "-"  # to the journal (systemd) or the smoke test's log
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'
preload_app = False


def post_worker_init(worker):
    # The app is loaded by now (no preload): warm this worker's own answer cache for each new snapshot.
    from dashboard.wsgi import start_prewarm

    start_prewarm(log=worker.log.info)
