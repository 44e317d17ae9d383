"""Issue 25 item 2: themes are input.  Every value of a theme file is checked, located, before a figure."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from piflow.diagnostics import InputError
from piflow.draw.style import load_style
from piflow.draw.themecheck import check
from piflow.yamlsource import parse

DEFAULT = load_style(None)


def _problems(text: str) -> list[tuple[str, int, str]]:
    source, errors = parse("theme.yaml", text)
    assert source is not None and not errors
    return [(d.code, d.line, d.message.split(":")[0]) for d in check(source, DEFAULT)]


@pytest.mark.parametrize("name", ["default", "mono"])
def test_the_bundled_themes_pass_their_own_check(name):
    text = resources.files("piflow.styles").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    assert _problems(text) == []


HOSTILE = {
    "an attribute smuggled in a font name": ('font: "x\\" onmouseover=\\"alert(1)"\n', "font"),
    "markup in a font name": ('font: "<script>"\n', "font"),
    "a local file as a colour": ('background: "url(file:///etc/passwd)"\n', "background"),
    "a colour with a quote": ('text: "#fff\\" x=\\""\n', "text"),
    "an enormous font": ("fontsize: 400\n", "fontsize"),
    "a size that is text": ('small_fontsize: "9pt"\n', "small_fontsize"),
    "a boolean as a size": ("title_fontsize: true\n", "title_fontsize"),
    "an unknown line style": ("channels:\n  network: {style: wavy}\n", "channels.network.style"),
    "a huge pen": ("channels:\n  hand: {penwidth: 99}\n", "channels.hand.penwidth"),
    "markup in a legend label": ('channels:\n  mail: {label: "<img src=x>"}\n', "channels.mail.label"),
    "a line break in a label": ('channels:\n  mail: {label: "郵送\\n書留"}\n', "channels.mail.label"),
    "a lane that is not a role": ("lanes:\n  宇宙人: {fill: red}\n", "lanes.宇宙人"),
    "a misspelt key": ("channels:\n  network: {penwith: 2}\n", "channels.network.penwith"),
    "an unknown lane in lane_order": ("lane_order: [区, 宇宙人]\n", "lane_order"),
    "a mapping replaced by a number": ("node: 3\n", "node"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_each_bad_value_is_located(case):
    text, where = HOSTILE[case]
    found = _problems(text)
    assert len(found) == 1, found
    code, line, path = found[0]
    assert code in ("P101", "P102") and path == where
    assert line == text.count("\n", 0, text.index(where.split(".")[-1])) + 1


def test_a_bad_theme_stops_the_command_with_its_location(tmp_path):
    theme = tmp_path / "bad.yaml"
    theme.write_text('font: "a\\" onload=\\"x"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_style(str(theme))
    assert re.match(r".*bad\.yaml:1:7: エラー\[P101\] font", info.value.diagnostics[0].format())


def test_a_good_theme_is_merged(tmp_path):
    theme = tmp_path / "ward.yaml"
    theme.write_text('font: "Noto Sans CJK JP,游ゴシック"\nfontsize: 11\nlanes:\n  区: {fill: "#eeeeee"}\n'
                     'channels:\n  network: {style: "bold,dashed", penwidth: 2.5, label: LGWAN}\n', encoding="utf-8")
    style = load_style(str(theme))
    assert style["fontsize"] == 11 and style["lanes"]["区"]["fill"] == "#eeeeee"
    assert style["lanes"]["区"]["border"] == DEFAULT["lanes"]["区"]["border"]
