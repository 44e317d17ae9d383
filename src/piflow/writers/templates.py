"""The jinja2 environment for the HTML writers (templates ship in the package)."""

from __future__ import annotations

from functools import cache

import jinja2

from piflow import __version__
from piflow.audit.finding import SEVERITY_JA


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("piflow", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(version=__version__, severity_ja=SEVERITY_JA)
    return env


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context)
