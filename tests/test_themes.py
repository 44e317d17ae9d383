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


# The hostile themes themselves are the corpus in tests/hostile/themes (tests/test_hostile_themes.py).


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
