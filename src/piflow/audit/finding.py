"""A finding: a plain record the writers print, sort and compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_JA = {"error": "エラー", "warning": "警告", "info": "情報"}


@dataclass(frozen=True)
class Subject:
    """What a finding is about: a step, a party, a system or the whole flow."""

    kind: Literal["step", "party", "system", "flow"]
    key: str  # stable: "step:printing/media_handover", "party:printer"
    label: str  # for people: "資料49-3 ② 印字データ（CD-R、DVD-R等）の提供"
    path: tuple = ()  # where in the file
    order: tuple = ()  # sort position: (kind rank, scenario index, step order …)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    subject: Subject
    message: str  # Japanese
    message_en: str
    fix: str = ""
    checklist: tuple[str, ...] = ()
    measure: str | None = None
    file: str = ""
    line: int = 1
    column: int = 1
    accepted_reason: str | None = None
    accepted_by: str | None = None
    accepted_date: str | None = None
    exception_basis: str | None = None  # an exception with a basis (Flow.exceptions), not an approval
    exception_controls: tuple[str, ...] = ()
    rule_name: str = field(default="", compare=False)
    # "violation" (something is wrong) or "incomplete" (something is not written yet:
    # a blank checklist item, a ○○ placeholder).  Incomplete findings are listed apart
    # and fail the run only under --strict / --fail-on incomplete.
    kind: str = "violation"
    detail: str = ""  # tells apart several findings of one rule on one subject (a checklist item, a field)
    # Where it is, as the input names places: flows/x.yaml:24:5, or book.xlsx!手順!E7 for the Excel form.
    place: str = field(default="", compare=False)
    # The checklist part (a measure id) behind a finding that names no measure of its own: G241's server
    # abroad stands behind 国内法 (so its exception prints 「－（例外 …）」 there).  Not part of the key.
    part: str | None = None

    @property
    def location(self) -> str:
        return self.place or f"{self.file}:{self.line}:{self.column}"

    @property
    def key(self) -> str:
        """Stable across unrelated edits: rule@subject[:measure][#detail]."""
        tail = f":{self.measure}" if self.measure else ""
        more = f"#{self.detail}" if self.detail else ""
        return f"{self.code}@{self.subject.key}{tail}{more}"

    @property
    def incomplete(self) -> bool:
        return self.kind == "incomplete"

    @property
    def accepted(self) -> bool:
        """Settled: approved (``accepted:``) or excepted with a basis (``exceptions:``).

        Either way it no longer fails the run nor is marked on the figure; the
        writers tell the two apart with ``approved`` and ``excepted``.
        """
        return self.accepted_reason is not None or self.exception_basis is not None

    @property
    def approved(self) -> bool:
        return self.accepted_reason is not None

    @property
    def excepted(self) -> bool:
        return self.exception_basis is not None

    def sort_key(self) -> tuple:
        return (self.file, self.subject.order, self.subject.key, SEVERITY_RANK[self.severity], self.code, self.measure or "")
