"""The words a filled checklist prints, whatever the format: headings, the 区分 and ○・－ columns, the
evidence line, and how a cell is kept from becoming a spreadsheet formula."""

from __future__ import annotations

from piflow.checklist import FormResult

# The ○ column's heading exactly as the form prints it (two lines).
MARK_HEADER = "・対策が可能であれば「○」\n・対策の必要がない場合は「－」"
DIVISION_HEADER = "区分"


def form_heading(form: FormResult) -> str:
    """「5 業務委託にかかる個人情報保護対策チェックリスト（電磁的媒体・紙媒体の取扱い）」."""
    return f"{form.title}{f'（{form.media}）' if form.media else ''}"


def form_subject(form: FormResult) -> str:
    """Whose measures the form lists, in plain Japanese: 「委託先（未定）に行わせる対策」."""
    if form.side == "ward":
        return f"{form.partner}について{form.ward}が行う対策" if form.partner else f"{form.ward}が行う対策"
    return f"{form.partner}に行わせる対策" if form.partner else "相手方に行わせる対策"


def form_label(form: FormResult) -> str:
    """「5 業務委託にかかる… — 委託先（未定）に行わせる対策」: one form, named in a list."""
    return f"{form_heading(form)} — {form_subject(form)}"


def evidence(item) -> str:
    return "、".join(item.sources + item.findings + ((f"備考: {item.note}",) if item.note else ()))


# OWASP CSV injection: a cell starting with one of these is a formula to Excel/Calc.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(_FORMULA_START)


def safe_cell(text: str) -> str:
    """Text that a spreadsheet shows as text, never evaluates (quote prefix, as OWASP advises)."""
    return "'" + text if looks_like_formula(text) else text


TEMPLATE_HELPERS = {"form_heading": form_heading, "form_subject": form_subject, "form_label": form_label}
