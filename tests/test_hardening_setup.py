"""Issue 14 item 13: scripts/setup.sh installs exactly what is missing (run against stub system tools)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from conftest import ROOT

STUB_OK = "#!/bin/sh\nexit 0\n"


def _tool(folder, name: str, body: str) -> None:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def project(tmp_path):
    """A copy of setup.sh in a project whose venv is already installed, and stub system tools."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    _tool(tmp_path / ".venv" / "bin", "python", STUB_OK)
    # the stamp setup.sh leaves once the lock is installed: no Python install runs
    stamp = tmp_path / ".venv" / ".piflow-installed"
    stamp.write_text(hashlib.sha256(b"").hexdigest() + " test\n", encoding="utf-8")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for name in ("dot", "chromium", "pdftoppm", "soffice"):
        _tool(bin_, name, STUB_OK)
    _tool(bin_, "fc-list", "#!/bin/sh\necho '/usr/share/fonts/NotoSansCJK-Regular.ttc: Noto Sans CJK JP:style=Regular'\n")
    # dpkg-query -W -f='${db:Status-Status}' PKG: "installed" for the packages listed in $INSTALLED
    _tool(bin_, "dpkg-query", '#!/bin/sh\nfor last; do :; done\n'
                              'case " $INSTALLED " in *" $last "*) printf installed;; *) printf not-installed;; esac\n')
    log = tmp_path / "apt.log"
    _tool(bin_, "apt-get", f'#!/bin/sh\necho "$@" >> {log}\n')
    _tool(bin_, "sudo", '#!/bin/sh\nexec "$@"\n')
    return tmp_path


def _run(project, installed: str) -> list[str]:
    env = {"PATH": f"{project / 'bin'}:/usr/bin:/bin", "PIFLOW_SETUP_EXTRA": "1", "INSTALLED": installed,
           "HOME": str(project)}
    proc = subprocess.run(["bash", str(project / "scripts" / "setup.sh")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    log = project / "apt.log"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [p for line in lines if line.startswith("install") for p in line.split() if p.startswith("libreoffice")]


def test_nothing_is_installed_when_writer_and_calc_are_there(project):
    assert _run(project, "libreoffice-writer-nogui libreoffice-calc") == []


def test_calc_is_installed_when_only_writer_is_there_although_soffice_is(project):
    assert _run(project, "libreoffice-writer-nogui") == ["libreoffice-calc-nogui"]


def test_writer_is_installed_when_only_calc_is_there(project):
    assert _run(project, "libreoffice-calc-nogui") == ["libreoffice-writer-nogui"]
