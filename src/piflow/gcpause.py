"""Pause Python's cycle collector while a large, acyclic structure is built.

Loading and auditing a big flow allocate hundreds of thousands of small
objects (YAML nodes, model instances, findings) that form no reference
cycles. The collector still walks all of them every few thousand
allocations, which made a 10,000-step load about twice as slow as it needs
to be (see docs/performance.md). Reference counting frees everything as
usual; the collector resumes afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
