"""Issue 14 item 15: the YAML mistakes staff make (IME left on, tabs, Shift_JIS) are named at their own line and column."""

from __future__ import annotations

import pytest

from conftest import MINIMAL
from piflow.diagnostics import InputError
from piflow.loader import loads
from piflow.yamlsource import decode


def _swap(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new)


def _line_col(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` (the wrong character itself)."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


CASES = {
    # name: (mistyped text, the wrong character to point at, words the Japanese message must contain)
    "indent with full-width spaces": (_swap("    name: 新宿区", "　　　　name: 新宿区"), "　", "全角スペース"),
    "indent half then full width": (_swap("  - id: vendor\n    name:", "  - id: vendor\n  　name:"), "　", "全角スペース"),
    "full-width space after colon": (_swap("    name: 委託先", "    name:　委託先"), "　", "全角スペース"),
    "full-width space after colon (flow)": (_swap("from: sys,", "from:　sys,"), "　", "全角スペース"),
    "full-width colon": (_swap("  title: テスト事業", "  title：テスト事業"), "：", "全角のコロン"),
    "full-width colon and space": (_swap("  section: テスト課", "  section： テスト課"), "：", "全角のコロン"),
    "full-width colon, last key": (_swap("    role: 委託先", "    role：委託先"), "：", "全角のコロン"),
    "full-width colon (flow)": (_swap("text: 抽出}", "text：抽出}"), "：", "全角のコロン"),
    "full-width space before colon": (_swap("  title: テスト事業", "  title　: テスト事業"), "　", "全角スペース"),
    "tab indent": (_swap("    role: 区", "\trole: 区"), "\t", "タブ"),
    "file indented with tabs": (MINIMAL.replace("  ", "\t"), "\t", "タブ"),
}


@pytest.mark.parametrize("name", CASES)
def test_typo_is_named_at_its_own_line_and_column(name):
    text, wrong, words = CASES[name]
    with pytest.raises(InputError) as info:
        loads(text, "f.yaml")
    first = info.value.diagnostics[0]
    assert (first.line, first.column) == _line_col(text, wrong), first.format()
    assert first.code == "P003" and words in first.message and first.hint
    assert len(info.value.diagnostics) == 1, [d.format() for d in info.value.diagnostics]  # no knock-on errors


def test_full_width_spaces_inside_text_are_still_text():
    text = _swap("  title: テスト事業", "  title: テスト　事業：概要\n  purpose: |\n    　字下げした段落：説明\n    \tタブ")
    doc = loads(text, "f.yaml")
    assert doc.flow.proposal.title == "テスト　事業：概要"


def test_quoted_keys_are_taken_as_written():
    text = _swap("text: 抽出}", '"text：x": 1, text: 抽出}')
    with pytest.raises(InputError) as info:
        loads(text, "f.yaml")
    assert [d.code for d in info.value.diagnostics] == ["P102"]  # an unknown key, not a typo we guessed at


def test_shift_jis_hint_says_how_to_save_as_utf8_in_notepad_and_vscode():
    text, errors = decode("f.yaml", MINIMAL.encode("cp932"))
    assert text is None
    hint = errors[0].hint
    assert "メモ帳" in hint and "VS Code" in hint and "UTF-8" in hint and "iconv" not in hint
