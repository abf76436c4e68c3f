"""The dashboard and the Dagster UI listen on the loopback interface unless told otherwise (README: put a
reverse proxy with authentication in front to serve others)."""

from __future__ import annotations

import pytest

from pipelines.cli import build_parser


@pytest.mark.parametrize("command, port", [("dashboard", 8050), ("ui", 3000)])
def test_servers_bind_to_loopback_by_default(command, port):
    args = build_parser().parse_args([command])
    assert (args.host, args.port) == ("127.0.0.1", port)


def test_dashboard_server_function_defaults_to_loopback():
    import inspect

    from dashboard.app import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
