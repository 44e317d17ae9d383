"""Graph rules: checks the policy data cannot express.

Each rule is one module in this package with a docstring (its documentation:
何を調べるか / なぜ / 違反例 / 修正例) and a ``check`` function decorated with
``@rule``.  Modules are discovered, so adding a rule means adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from piflow.audit.engine import Context, Problem


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    title: str
    title_en: str
    checklist: tuple[str, ...]
    check: Callable[["Context"], Iterable["Problem"]]
    doc: str


_REGISTRY: dict[str, Rule] = {}


def rule(*, code: str, name: str, severity: str, title: str, title_en: str, checklist: tuple[str, ...] = ()):
    def register(fn: Callable[["Context"], Iterable["Problem"]]):
        module = importlib.import_module(fn.__module__)
        if code in _REGISTRY:
            raise RuntimeError(f"rule code {code} registered twice")
        _REGISTRY[code] = Rule(code, name, severity, title, title_en, checklist, fn, (module.__doc__ or "").strip())
        return fn

    return register


@cache
def all_rules() -> tuple[Rule, ...]:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.code))
