"""WSGI entry point for any WSGI server, e.g. `waitress-serve --listen=127.0.0.1:8050 dashboard.wsgi:application`.

The published directory comes from the settings (CAEI_HOME), read here once: this module is the process's entry.
Inside the project, prefer `caei dashboard --host --port`, which calls `dashboard.app.serve`.
"""

from __future__ import annotations

from assets.common.settings import load_settings
from dashboard.app import create_app

application = create_app(load_settings().published_dir).server

__all__ = ["application"]
