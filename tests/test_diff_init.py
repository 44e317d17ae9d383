"""piflow diff (by meaning, with git revisions and figures) and piflow init (templates)."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from conftest import FLOWS
from piflow.commands import init as init_command
from piflow.audit.engine import audit
from piflow.cli import app
from piflow.diff import diff
from piflow.loader import load, loads
from piflow.scaffold import TEMPLATES, template_text

runner = CliRunner()
FLOW23 = FLOWS / "23-kumin-iken-faq-dynamics365.yaml"


def revised_23() -> str:
    """資料23 with ⑨ renumbered ⑧', a subcontractor added, and one measure removed from ①."""
    text = FLOW23.read_text(encoding="utf-8")
    text = text.replace("{n: 9, id: read_answer", "{n: \"8'\", id: read_answer")
    text = text.replace(
        "data: [name, postal_code, address, phone, email, fax, opinion, purpose, attachment], measures: [通信暗号化]}\n"
        "      - {n: 2, id: show_password",
        "data: [name, postal_code, address, phone, email, fax, opinion, purpose, attachment]}\n"
        "      - {n: 2, id: show_password", 1)
    text = text.replace("scenarios:\n", "  - {id: sub2, name: 株式会社サブ, role: 再委託先, contractor: nec}\n\nscenarios:\n", 1)
    return text


def test_exactly_the_three_meaningful_changes():
    changes = diff(load(FLOW23), loads(revised_23(), "new.yaml"))
    assert sorted((c.kind, c.key) for c in changes) == [
        ("added", "party:sub2"),
        ("removed", "step:internet/post:comm-encryption"),
        ("renumbered", "step:internet/read_answer"),
    ]


def test_same_file_has_no_changes():
    assert diff(load(FLOW23), load(FLOW23)) == []


def test_field_changes_show_before_and_after():
    text = FLOW23.read_text(encoding="utf-8").replace("channel: [郵送, FAX, 窓口],\n         medium: 紙, data: [name, postal_code, address, phone, fax, opinion]",
                                                      "channel: FAX,\n         medium: 紙, data: [name, postal_code, address, phone, fax, opinion]")
    (change,) = diff(load(FLOW23), loads(text, "n.yaml"))
    assert (change.kind, change.field, change.before, change.after) == ("changed", "channel", "郵送、FAX、窓口", "FAX")


def test_steps_without_id_match_by_ends_and_text():
    text = FLOW23.read_text(encoding="utf-8")
    no_ids = text.replace("id: show_password, ", "").replace("id: receipt_mail, ", "")
    renumbered = no_ids.replace("{n: 2, from: faq, to: citizens, text: パスワードの表示", "{n: 3, from: faq, to: citizens, text: パスワードの表示") \
        .replace("{n: 3, from: faq, to: citizens, text: 受付確認メールの送信", "{n: 2, from: faq, to: citizens, text: 受付確認メールの送信")
    kinds = sorted(c.kind for c in diff(loads(no_ids, "a.yaml"), loads(renumbered, "b.yaml")))
    assert kinds == ["renumbered", "renumbered"]


def test_cli_text_json_and_audit_effect(tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text(revised_23(), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(FLOW23), str(new)])
    assert result.exit_code == 1  # introduces an error (no consent)
    assert "番号の変更" in result.output and "G203@party:sub2" in result.output
    doc = json.loads(runner.invoke(app, ["diff", str(FLOW23), str(new), "-f", "json"]).output)
    assert len(doc["changes"]) == 3
    assert {f["key"] for f in doc["findings"]["introduced"]} == {"G203@party:sub2", "G250@party:sub2"}
    assert doc["findings"]["resolved"] == []
    same = runner.invoke(app, ["diff", str(FLOW23), str(FLOW23)])
    assert same.exit_code == 0 and "意味のある変更はありません" in same.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_against_a_git_revision(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    flow = repo / "f.yaml"
    flow.write_text(FLOW23.read_text(encoding="utf-8"), encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "f.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], check=True)
    flow.write_text(revised_23(), encoding="utf-8")
    doc = json.loads(runner.invoke(app, ["diff", str(flow), "--rev", "HEAD", "-f", "json"]).output)
    assert len(doc["changes"]) == 3 and doc["old"].endswith("@HEAD")
    bad = runner.invoke(app, ["diff", str(flow), "--rev", "no-such-rev"])
    assert bad.exit_code == 2


def test_old_and_rev_are_exclusive():
    assert runner.invoke(app, ["diff", str(FLOW23)]).exit_code == 2
    assert runner.invoke(app, ["diff", str(FLOW23), str(FLOW23), "--rev", "HEAD"]).exit_code == 2


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
def test_diff_figure_highlights_changes(tmp_path):
    text = revised_23().replace("      - {n: 3, id: receipt_mail, from: faq, to: citizens, text: 受付確認メールの送信, channel: メール, data: []}\n", "", 1)
    text = text.replace("{n: 4, id: request_mail", "{n: 3, id: request_mail", 1)
    for a, b in ((5, 4), (6, 5), (7, 6), (8, 7)):
        text = text.replace(f"{{n: {a}, id:", f"{{n: {b}, id:", 1)
    text = text.replace("{n: \"8'\", id: read_answer", "{n: 8, id: read_answer")
    new = tmp_path / "new.yaml"
    new.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["diff", str(FLOW23), str(new), "--figure", str(tmp_path / "fig")])
    assert result.exit_code in (0, 1), result.output
    svg = (tmp_path / "fig" / "資料23-1.diff.svg").read_bytes()
    text_in = "".join(ET.fromstring(svg).itertext())
    assert "【削除】" in text_in and "【番号変更】" in text_in and "【変更】" in text_in
    assert "承認済みの内容からの変更点" in text_in


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_validates_and_audits_clean(name):
    doc = loads(template_text(name, "テスト事業"), f"{name}.yaml")
    assert doc.flow.proposal.title == "テスト事業"
    assert [f.key for f in audit(doc)] == []


def test_init_never_overwrites(tmp_path):
    target = tmp_path / "flows" / "new.yaml"
    assert runner.invoke(app, ["init", str(target), "-t", "paper-outsourcing"]).exit_code == 0
    target.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["init", str(target), "-t", "cloud-lgwan"])
    assert result.exit_code == 2 and target.read_text(encoding="utf-8") == "mine"


def test_init_asks_when_no_template_given(tmp_path):
    target = tmp_path / "q.yaml"
    assert init_command.init(str(target), None, ask=lambda names: names[2]) == 0
    assert "外部結合" in target.read_text(encoding="utf-8")
    # Without a terminal to ask on, it says which templates exist.
    result = runner.invoke(app, ["init", str(tmp_path / "r.yaml")])
    assert result.exit_code == 2 and "cloud-lgwan" in result.output
    assert runner.invoke(app, ["init", str(tmp_path / "s.yaml"), "-t", "cloud"]).exit_code == 2
    assert "designated-manager" in runner.invoke(app, ["init", "--list"]).output
