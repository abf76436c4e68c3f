"""WSGI entry point for any WSGI server, e.g. `waitress-serve --listen=127.0.0.1:8050 dashboard.wsgi:application`.

The published directory comes from CAEI_HOME (see assets.common.settings). Inside the project, prefer
`caei dashboard --host --port`, which calls `dashboard.app.serve`.
"""

from __future__ import annotations

from dashboard.app import create_app, serve

application = create_app().server

__all__ = ["application", "serve"]
