"""WSGI entry point for any WSGI server, e.g. `waitress-serve --listen=127.0.0.1:8050 dashboard.wsgi:application`.

The published directory comes from the settings (CAEI_HOME), read here once: this module is the process's entry.
Inside the project, prefer `caei dashboard --host --port`, which calls `dashboard.app.serve` with the connection
limits of `dashboard.security.WAITRESS_LIMITS`; another server needs its own (docs/security.md). The app itself
caps request bodies (413) and sets the security headers whatever server runs it. The production deployment runs it
under gunicorn behind nginx (deploy/gunicorn.conf.py, docs/deploy.md), which also starts `start_prewarm` per worker.
"""

from __future__ import annotations

from collections.abc import Callable

from assets.common.settings import load_settings
from dashboard.app import create_app
from dashboard.prewarm import Prewarmer

_settings = load_settings()
dash_app = create_app(_settings.published_dir, _settings.embed_ancestors)
application = dash_app.server


def start_prewarm(log: Callable[[str], None] = print) -> Prewarmer:
    """Compute every page of each new snapshot in this process (what `caei dashboard` does), so the first viewers
    after a publish get cached answers. Under gunicorn each worker calls it once (deploy/gunicorn.conf.py): the
    answer cache lives in the worker's memory."""
    warmer = Prewarmer(dash_app, log=log)
    warmer.start()
    return warmer


__all__ = ["application", "dash_app", "start_prewarm"]
