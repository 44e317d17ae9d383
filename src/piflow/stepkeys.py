"""How a step is named where it is reported, so the figure can find the marks that belong to it.

A finding names a step by its id, else its ends and number (the number stays while the text is
edited); a change between two versions names it by its id, else its ends and text (steps are
renumbered when one is inserted, their text stays).
"""

from __future__ import annotations

from piflow.model import Step


def finding_key(scenario_id: str, step: Step) -> str:
    """The subject key of a step's findings (``step:printing/media_handover``)."""
    ident = step.id or f"{step.from_}>{step.to}@{step.n}"
    return f"step:{scenario_id}/{ident}"


def identity(step: Step) -> str:
    """What a step is across two versions of a flow."""
    return step.id or f"{step.from_}>{step.to}:{step.text}"


def change_key(scenario_id: str, step: Step) -> str:
    """The key of a step's changes between two versions (``piflow diff``)."""
    return f"step:{scenario_id}/{identity(step)}"
