"""Loader: every error kind is reported with its code and its file:line:column."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FLOWS, MINIMAL, ROOT, write
from piflow.cli import app
from piflow.diagnostics import InputError
from piflow.loader import discover, load, loads
from piflow.vocab import Channel, Medium, Role


def errors_of(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(InputError) as info:
        loads(text, "t.yaml")
    return [(d.line, d.column, d.code) for d in info.value.diagnostics]


def test_minimal_flow_loads():
    doc = loads(MINIMAL, "t.yaml")
    flow = doc.flow
    assert flow.party_by_id["vendor"].role == (Role.CONTRACTOR,)
    step = flow.scenarios[0].steps[1]
    assert (step.channel, step.medium) == (Channel.HAND, Medium.PAPER)
    assert doc.where(("scenarios", 0, "steps", 1)) == (24, 9)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # wrong type (P101): bases must be a list of known bases
        ("bases: [業務委託]", "bases: [業務いたく]", [(5, 11, "P101")]),
        # unknown key with did-you-mean (P102), at the key
        ("    role: 委託先", "    rolle: 委託先", [(17, 5, "P102"), (15, 5, "P103")]),
        # missing key (P103), at the mapping that lacks it
        ("  section: テスト課\n", "", [(3, 3, "P103")]),
        # unknown reference (P201)
        ("to: vendor", "to: vendorr", [(24, 32, "P201")]),
        # unknown data item (P201)
        ("data: [name]", "data: [nam]", [(12, 12, "P201")]),
        # duplicate id across parties and systems (P202)
        ("{id: sys,", "{id: vendor,", [(15, 9, "P202"), (23, 22, "P201")]),
        # duplicate step number (P203)
        ("{n: 2,", "{n: 1,", [(24, 13, "P203")]),
        # missing step number (P203)
        ("{n: 2,", "{n: 3,", [(22, 5, "P203")]),
        # unknown measure (P205)
        ("role: 委託先", "role: 委託先\n    measures: [通信の暗号]", [(18, 16, "P205")]),
        # waiver without reason (P206)
        ("role: 委託先", "role: 委託先\n    waivers: {鍵付きカバン等による運搬: ''}", [(18, 29, "P206")]),
        # ids must be ascii (P101), full-width letters suggested
        ("id: vendor", "id: ｖｅｎｄｏｒ", [(15, 9, "P101"), (24, 32, "P201")]),
        # unsupported format version
        ("piflow: 1", "piflow: 2", [(1, 9, "P101")]),
    ],
)
def test_error_kinds_are_located(old, new, expected):
    assert old in MINIMAL
    assert sorted(errors_of(MINIMAL.replace(old, new, 1))) == sorted(expected)


def test_subcontractor_needs_contractor():
    text = MINIMAL.replace("role: 委託先", "role: 再委託先")
    assert errors_of(text) == [(15, 5, "P204")]
    text = MINIMAL.replace("role: 委託先", "role: 再委託先\n    contractor: ward")
    assert errors_of(text) == [(18, 17, "P204")]


def test_contractor_only_on_subcontractor():
    text = MINIMAL.replace("role: 委託先", "role: 委託先\n    contractor: ward")
    assert errors_of(text) == [(18, 17, "P204")]


def test_all_errors_reported_in_one_run():
    text = MINIMAL.replace("bases: [業務委託]", "bases: [nope]").replace("to: vendor", "to: nobody")
    codes = [c for _, _, c in errors_of(text)]
    assert codes.count("P101") == 1 and codes.count("P201") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(1, 1, "P007")]),
        ("- just\n- a list\n", [(1, 1, "P007")]),
        ("piflow: 1\nproposal:\n  title: x\n\tsection: y\n", [(4, 1, "P003")]),
        ("piflow: 1\npiflow: 1\n", [(2, 1, "P004")]),
        ("piflow: !!python/object:os.system 1\n", [(1, 9, "P006")]),
        ("a: &x 1\n<<: *x\n", [(2, 1, "P006")]),
    ],
)
def test_malformed_yaml(text, expected):
    assert set(expected) <= set(errors_of(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # what PyYAML's composer refused, refused now by the pre-scan with its words, at its place
        ("a: *y\n", (1, 4, "P003", "found undefined alias")),
        ("a: &x 1\nb: &x 2\n", (2, 4, "P003", "second occurrence")),
        ("a: 1\n---\nb: 2\n", (2, 1, "P003", "but found another document")),
        ("a: &x [1, *x]\n", (1, 4, "P005", "recursive alias")),
    ],
)
def test_what_the_composer_refused(text, expected):
    from piflow.yamlsource import parse

    source, errors = parse("t.yaml", text)
    assert source is None
    assert [(d.line, d.column, d.code) for d in errors] == [expected[:3]] and expected[3] in errors[0].message_en


def test_positions_of_values_keys_and_aliases():
    """Every value and key is located; an alias's values where its anchor's are; a path that goes on
    past the file's values answers with the deepest value there is."""
    from piflow.yamlsource import parse

    source, errors = parse("t.yaml", "a: &x\n  - 1\n  - {b: c}\nd: *x\ne: {}\n")
    assert not errors and source.data == {"a": [1, {"b": "c"}], "d": [1, {"b": "c"}], "e": {}}
    where = source.where
    assert [where(()), where(("a",)), where(("a",), key=True), where(("a", 1, "b"))] == [(1, 1), (1, 4), (1, 1), (3, 9)]
    assert where(("d", 1, "b")) == where(("a", 1, "b")) and where(("d",), key=True) == (4, 1)
    assert where(("a", 5)) == where(("a", -1)) == where(("a",)) and where(("a", 0, "x")) == (2, 5)
    assert where(("e", "f"), key=True) == (5, 1) and where(("a", "b")) == (1, 4) and where(("zz",)) == (1, 1)


def test_alias_bomb_is_rejected():
    lines = ["a: &a [1,1,1,1,1,1,1,1,1]"]
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert errors_of("\n".join(lines) + "\n")[0][2] == "P005"


def test_deep_nesting_is_rejected():
    assert errors_of("a: " + "[" * 500 + "]" * 500 + "\n")[0][2] == "P005"


@pytest.mark.parametrize(
    ("encode", "ok"),
    [
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), True),
        (lambda t: t.replace("\n", "\r\n").encode("utf-8"), True),
        (lambda t: t.encode("utf-16"), True),
        (lambda t: t.encode("cp932"), False),
    ],
)
def test_encodings(tmp_path, encode, ok):
    path = tmp_path / "f.yaml"
    path.write_bytes(encode(MINIMAL))
    if ok:
        assert load(path).flow.proposal.title == "テスト事業"
    else:
        with pytest.raises(InputError) as info:
            load(path)
        (diag,) = info.value.diagnostics
        assert diag.code == "P002" and "CP932" in diag.message_en
        assert (diag.line, diag.column) == (3, 10)


def test_missing_file_and_directory(tmp_path):
    for target in (tmp_path / "nope.yaml", tmp_path):
        with pytest.raises(InputError) as info:
            load(target)
        assert info.value.diagnostics[0].code == "P001"


def test_labels_and_aliases_are_normalised(tmp_path):
    text = MINIMAL.replace("channel: 手渡し, medium: 紙", "channel: ＬＧＷＡＮ, medium: electronic").replace(
        "role: 委託先", "role: 委託先\n    measures: [・ＩＤ／パスワード等認証, 個人情報の返却及び消去, ｳｲﾙｽ対策]"
    )
    flow = load(write(tmp_path, text)).flow
    vendor = flow.party_by_id["vendor"]
    assert vendor.measures == ("authentication", "return", "erasure", "antivirus")
    assert flow.scenarios[0].steps[1].channel is Channel.LGWAN


def test_discover_expands_folders_sorted(tmp_path):
    (tmp_path / "b.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "a.yml").write_text("x", encoding="utf-8")
    (tmp_path / "c.txt").write_text("x", encoding="utf-8")
    assert [p.rsplit("/", 1)[1] for p in discover([str(tmp_path)])] == ["a.yml", "b.yaml"]


def test_discover_leaves_hidden_and_tool_folders_out(tmp_path):
    for folder in (".git", ".venv/lib", ".github/workflows", "node_modules/x", "src/__pycache__", "flows/sub"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "f.yaml").write_text("x", encoding="utf-8")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in discover([str(tmp_path)])]
    assert found == ["flows/sub/f.yaml"]
    # A hidden folder named on the command line is read: only the ones below it are left out.
    assert discover([str(tmp_path / ".github")]) == [str(tmp_path / ".github" / "workflows" / "f.yaml")]


@pytest.mark.parametrize("name,text,read", [
    ("theme.yaml", "name: mono\nlanes:\n  ward: {fill: white}\n", False),
    ("measures.yaml", "version: 1\nmeasures:\n  - id: x\n", False),
    ("ci.yml", "# CI\non: push\njobs:\n  test: {runs-on: ubuntu}\n", False),
    ("flow.yaml", "piflow: 1\nproposal: {title: t}\n", True),
    ("quoted.yaml", "'parties': []\n\"name\": x\n", True),
    ("no-version.yaml", "# forgot piflow:\nproposal: {title: t}\nlanes: x\n", True),  # read: P103 tells what is missing
    ("nested.yaml", "name: x\nsettings:\n  piflow: 1\n", False),  # only top-level keys count
    ("empty.yaml", "", True),
    ("comments.yaml", "# nothing yet\n", True),
    ("flow-style.yaml", "{name: x}\n", True),  # no block keys: read, and its problem reported
    ("list.yaml", "- name: x\n", True),
    ("latin1.yaml", b"name: caf\xe9\n", True),  # cannot be decoded: read, so P002 says why
    ("windows.yaml", b"piflw: 1\r\nproposal:\r\n  title: t\r\n", True),  # CRLF: "proposal:" ends its line
    ("mac.yaml", b"name: x\rparties:\r", True),
    ("windows-theme.yaml", b"name: x\r\nlanes:\r\n", False),
    ("anchored.yaml", "name: x\n&top piflow: 1\n", True),
    ("tagged.yaml", "name: x\n!!str parties: []\n", True),
    ("merged.yaml", "<<: *base\nname: x\n", True),  # keys from elsewhere: cannot tell, so read
    ("complex.yaml", "name: x\n? piflow\n: 1\n", True),
])
def test_folders_give_yaml_files_that_may_be_flows(tmp_path, name, text, read):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    not_flows: list[str] = []
    assert discover([str(tmp_path)], not_flows) == ([str(path)] if read else [])
    assert not_flows == ([] if read else [str(path)])
    assert discover([str(path)]) == [str(path)]  # named on the command line: always read


def test_a_yaml_file_too_large_to_look_into_is_read_so_its_size_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PIFLOW_MAX_SIZE", "1")  # MB
    (tmp_path / "big.yaml").write_bytes(b"name: x\n" + b"#" * (1024 * 1024))
    assert discover([str(tmp_path)]) == [str(tmp_path / "big.yaml")]


def test_a_folder_of_themes_says_why_nothing_was_read(tmp_path):
    (tmp_path / "default.yaml").write_text("name: default\nfont: Noto Sans CJK JP\n", encoding="utf-8")
    (tmp_path / "mono.yaml").write_text("name: mono\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "フローファイル (.yaml) がありません" in result.output
    assert f"フローのキーがない YAML は読みませんでした（{tmp_path / 'default.yaml'} ほか 1 件）" in result.output
    assert "ファイル名で渡すと読んで" in result.output
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "mono.yaml")])
    assert result.exit_code == 2 and "P103" in result.output  # named: read as a flow, and told what it lacks


def test_a_folder_with_flows_notes_the_yaml_it_left_out(tmp_path):
    write(tmp_path, MINIMAL)
    (tmp_path / "theme.yaml").write_text("name: mono\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 0
    assert f"注意: 行頭に piflow:・proposal:・parties: などのフローのキーがない YAML は読みませんでした（{tmp_path / 'theme.yaml'}）" \
        in result.output and "ほか" not in result.output
    (tmp_path / "theme.yaml").unlink()
    assert "注意" not in CliRunner().invoke(app, ["validate", str(tmp_path)]).output


def test_folders_are_read_in_the_order_of_their_paths_text(tmp_path):
    for name in ("a/x.yaml", "a-b.yaml", "a.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [Path(p).relative_to(tmp_path).as_posix() for p in discover([str(tmp_path)])] == \
        ["a-b.yaml", "a.yaml", "a/x.yaml"]


def test_the_project_folder_reads_flows_not_themes_or_packs():
    found = {Path(p).relative_to(ROOT).as_posix() for p in discover([str(ROOT)])}
    assert {f"flows/{p.name}" for p in FLOWS.glob("*.yaml")} <= found
    assert not {p for p in found if p.startswith(("styles/", "src/piflow/data/")) or "/pack/" in p}


@pytest.mark.parametrize("path", sorted(FLOWS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_flows_validate(path):
    assert load(path).flow.scenarios


def test_a_key_left_empty_says_how_to_write_none():
    """`measures:` / `waivers:` with nothing after them (left empty while editing): located, with how to say 'none'."""
    text = MINIMAL.replace("    role: 委託先", "    role: 委託先\n    measures:\n    waivers:")
    try:
        loads(text, "empty.yaml")
    except InputError as exc:
        out = str(exc)
    else:
        raise AssertionError("an empty key must be an error")
    assert "empty.yaml:18:14: エラー[P101] parties[1].measures: リスト" in out, out
    assert "無いときは [] と書くか、この行を消してください" in out and "無いときは {} と書くか" in out
