"""Located input errors: what went wrong in a flow file, where, and what to do.

Every problem the loader finds becomes a ``Diagnostic`` with a file, a 1-based
line and column, a code, a Japanese message with English alongside and, where
we can guess, a suggestion.  The loader collects them all before giving up.
"""

from __future__ import annotations

from dataclasses import dataclass

from piflow.terminal import visible

# Input-error codes, documented in docs/errors.md.  Never reuse a retired code.
INPUT_CODES = {
    "P001": "ファイルを読めない (cannot read the file)",
    "P002": "文字コードの問題 (encoding problem)",
    "P003": "YAML の構文エラー (YAML syntax error)",
    "P004": "キーの重複 (duplicate key)",
    "P005": "大きさ・深さ・エイリアスの制限超過 (size, depth or alias limit)",
    "P006": "使えない YAML タグ (unsupported YAML tag)",
    "P007": "フローファイルの形でない (not a flow file)",
    "P008": "Graphviz が図を描けない (Graphviz failed to lay out a figure)",
    "P009": "設定ファイル piflow.toml の誤り (bad piflow.toml)",
    "P101": "項目の型・値の誤り (wrong type or value)",
    "P102": "不明なキー (unknown key)",
    "P103": "必須の項目がない (missing key)",
    "P201": "参照先が見つからない (unknown reference)",
    "P202": "ID の重複 (duplicate id)",
    "P203": "ステップ番号の誤り (step numbering)",
    "P204": "再委託先の委託元の誤り (subcontractor's contractor)",
    "P205": "不明な保護対策 (unknown measure)",
    "P206": "理由のない「－」 (waiver without a reason)",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    column: int
    code: str
    message: str  # Japanese
    message_en: str = ""
    hint: str = ""

    def format(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: エラー[{self.code}] {self.message}"
        if self.message_en:
            text += f" ({self.message_en})"
        if self.hint:
            text += f"\n    {self.hint}"
        return visible(text)


class InputError(Exception):
    """Raised when a file cannot be turned into a model; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = sorted(diagnostics)


def located(name: str, source, exc: ValidationError, what: str) -> list[Diagnostic]:
    """P101 diagnostics at the file positions of a data file's validation errors."""
    diags = []
    for err in exc.errors():
        line, col = source.where(tuple(err["loc"]))
        diags.append(Diagnostic(name, line, col, "P101", f"{what}: {err['msg']}", err["msg"]))
    return diags
