"""WSGI entry point for any WSGI server, e.g. `waitress-serve --listen=127.0.0.1:8050 dashboard.wsgi:application`.

The published directory comes from the settings (CAEI_HOME), read here once: this module is the process's entry.
Inside the project, prefer `caei dashboard --host --port`, which calls `dashboard.app.serve` with the connection
limits of `dashboard.security.WAITRESS_LIMITS`; another server needs its own (docs/security.md). The app itself
caps request bodies (413) and sets the security headers whatever server runs it.
"""

from __future__ import annotations

from assets.common.settings import load_settings
from dashboard.app import create_app

_settings = load_settings()
application = create_app(_settings.published_dir, _settings.embed_ancestors).server

__all__ = ["application"]
