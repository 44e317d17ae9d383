"""Graph rules: checks the policy data cannot express.

Each rule is one module in this package, declared with
``piflow.audit.declare.rule``.  Modules are discovered, so adding a rule means
adding a file.  Rules import ``piflow.audit.context`` and ``declare``, never the
engine.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from piflow.audit.declare import REGISTRY, Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return tuple(sorted(REGISTRY.values(), key=lambda r: r.code))


__all__ = ["Rule", "all_rules"]
