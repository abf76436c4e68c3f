"""One module per page (a package where a page has more sections than one module holds). A page module defines
`register(app)` and, to appear in the navigation, `NAV = (order, path, msgid)`. Pages are found here, so adding a
page touches no other module."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def page_modules() -> list[ModuleType]:
    modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    return [m for m in modules if hasattr(m, "register")]


def nav_items() -> list[tuple[str, str]]:
    """(path, msgid) of the navigation, in order."""
    return [(path, msgid) for _order, path, msgid in sorted(m.NAV for m in page_modules() if hasattr(m, "NAV"))]
