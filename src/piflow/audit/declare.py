"""How a graph rule is declared: the ``@rule`` decorator and the registry it fills.

Below both the engine and the rule modules.  A rule is one module with a
docstring (its documentation: 何を調べるか / なぜ / 違反例 / 修正例) and a
``check(ctx)`` generator; the decorator records it, so adding a rule means
adding a file (and its cases in tests/rules/), never editing a switch.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Literal

if TYPE_CHECKING:
    from piflow.audit.context import Context, Problem

# "violation": something is wrong with the flow.  "incomplete": something is not
# written yet (a blank checklist item, a ○○ placeholder); listed apart and only
# failing the run under --strict / --fail-on incomplete.
Kind = Literal["violation", "incomplete"]


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
    kind: Kind = "violation"


REGISTRY: dict[str, Rule] = {}


def rule(*, code: str, name: str, severity: str, title: str, title_en: str, checklist: tuple[str, ...] = (),
         kind: Kind = "violation"):
    def register(fn: Callable[["Context"], Iterable["Problem"]]):
        module = importlib.import_module(fn.__module__)
        if code in REGISTRY:
            raise RuntimeError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(code, name, severity, title, title_en, checklist, fn, (module.__doc__ or "").strip(),
                              kind)
        return fn

    return register
