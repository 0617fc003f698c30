"""Importing one module of a big package without running the package's `__init__` (issue 15).

Some packages import everything they have in their `__init__`: `holidays` every country (to
answer for one), `atlassian` every product client (Bamboo, BeautifulSoup…) when nivosync needs
only its REST client. Python imports a submodule `pkg.mod` once `pkg` is in `sys.modules` with
a `__path__`, so `bare_package("pkg")` registers the real package's module object with its
`__init__` not yet run. That code runs, into the same module object, the first time something
asks `pkg` for a name it lacks (PEP 562's module `__getattr__`): code that imports the package
whole later (`from atlassian import Jira`) gets it whole, with the submodules already loaded.
A package imported before is returned as it is.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType

_LOCK = threading.RLock()


def bare_package(name: str) -> ModuleType:
    """The package `name` in `sys.modules`, its `__init__` deferred until a name is missing."""
    with _LOCK:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            raise ModuleNotFoundError(f"no package named {name!r}", name=name)
        module = importlib.util.module_from_spec(spec)  # __path__, __spec__, __file__ …
        loader = spec.loader

        def complete(attribute: str) -> object:
            with _LOCK:
                if module.__dict__.pop("__getattr__", None) is not None:
                    loader.exec_module(module)  # the package's own __init__, run once
            return getattr(module, attribute)  # AttributeError, as usual, if it has none

        module.__dict__["__getattr__"] = complete
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)  # what an import does
        return module
