"""Writers never lose a file: atomic replace, inputs untouched, folders created, clean failures."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from conftest import FLOWS, MINIMAL, write
from piflow.cli import app
from piflow.writers import files
from piflow.writers.files import OutputError, write_atomic

runner = CliRunner()


def test_failed_write_keeps_the_previous_output(tmp_path, monkeypatch):
    target = tmp_path / "out.svg"
    target.write_bytes(b"previous")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OutputError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.svg"]  # no temporary file left behind


def test_creates_missing_folders_and_plain_permissions(tmp_path):
    target = tmp_path / "a" / "b" / "c.txt"
    write_atomic(target, b"x")
    assert target.read_bytes() == b"x"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_unwritable_destination_fails_cleanly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["draw", str(FLOWS), "-f", "dot", "-o", str(blocker / "sub")])
    assert result.exit_code == 2 and "書き込めません" in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("command", [["checklist", "-f", "md"], ["draw", "-f", "dot"]])
def test_inputs_are_never_written(tmp_path, command):
    flow = write(tmp_path, MINIMAL, "f.md" if command[0] == "checklist" else "f.dot")
    result = runner.invoke(app, [command[0], str(flow), *command[1:], "-o", str(flow)])
    assert result.exit_code == 2
    assert flow.read_text(encoding="utf-8") == MINIMAL


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit, MemoryError])
def test_no_temporary_file_survives_an_interrupt(tmp_path, monkeypatch, interrupt):
    def interrupted(src, dst):
        raise interrupt()

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(interrupt):
        write_atomic(tmp_path / "big.html", b"x" * 1_000_000)
    assert list(tmp_path.iterdir()) == []


def test_a_nul_in_an_output_name_is_an_output_error(tmp_path):
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "a\x00b.svg", b"x")
    assert list(tmp_path.iterdir()) == []


# --- issue 25 item 4: one rule for every command -------------------------------------------------

def test_an_existing_files_mode_is_kept(tmp_path):
    target = tmp_path / "private.svg"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_read_only_file_is_never_replaced(tmp_path):
    """Refused from the mode bits, so even root (for whom the file system would allow it) is refused."""
    target = tmp_path / "filed.docx"
    target.write_bytes(b"filed")
    target.chmod(0o444)
    with pytest.raises(OutputError, match="読み取り専用"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"filed"
    assert [p.name for p in tmp_path.iterdir()] == ["filed.docx"]


def test_replace_false_keeps_an_existing_file(tmp_path):
    target = tmp_path / "x.yaml"
    target.write_bytes(b"hand-edited")
    with pytest.raises(OutputError, match="--force"):
        write_atomic(target, b"new", replace=False)
    assert target.read_bytes() == b"hand-edited"
    write_atomic(tmp_path / "new.yaml", b"fresh", replace=False)  # a new file is written as usual
    assert (tmp_path / "new.yaml").read_bytes() == b"fresh"


# Every command against every kind of target (existing, read-only, links, folders, --force, modes): the
# output-safety corpus in tests/test_hostile_output.py.
