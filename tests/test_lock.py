"""Issue 21: installs are locked.  uv.lock pins what pyproject.toml asks for, and requirements/lock.txt (the
pip fallback, exported from uv.lock) pins the same versions; a stale lock fails here, not on a new machine."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

import pytest

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
EXPORT = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(text: str, extra: str | None) -> tuple[str, str, str | None]:
    """'PyYAML>=6.0' -> ('pyyaml', '>=6.0', None), as uv.lock records a requirement."""
    m = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*(.*?)\s*", text)
    assert m, text
    spec = ",".join(part.strip() for part in m.group(2).split(",")) if m.group(2) else ""
    return _norm(m.group(1)), spec, (f"extra == '{extra}'" if extra else None)


def _project_entry() -> dict:
    (entry,) = [p for p in LOCK["package"] if p["name"] == _norm(PYPROJECT["project"]["name"])]
    return entry


def test_the_lock_records_exactly_what_pyproject_asks_for():
    wanted = {_requirement(r, None) for r in PYPROJECT["project"]["dependencies"]}
    for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items():
        wanted |= {_requirement(r, extra) for r in requirements}
    recorded = {(_norm(r["name"]), r.get("specifier", ""), r.get("marker"))
                for r in _project_entry()["metadata"]["requires-dist"]}
    assert recorded == wanted, "uv.lock is stale: run `make lock` (pyproject.toml and uv.lock disagree)"
    assert LOCK["requires-python"] == PYPROJECT["project"]["requires-python"]


def test_the_lock_covers_every_platform_and_python_the_readme_supports():
    """A universal lock: no environment restriction, so Linux, macOS and Windows all resolve from it."""
    assert "resolution-markers" not in LOCK or all("sys_platform" not in m for m in LOCK["resolution-markers"])
    assert "environments" not in LOCK.get("manifest", {})
    wheels = {w["url"].rsplit("/", 1)[1] for p in LOCK["package"] for w in p.get("wheels", [])}
    for platform in ("win_amd64", "macosx", "manylinux"):
        assert any(platform in w for w in wheels if w.startswith(("pydantic_core", "pyyaml"))), platform


def test_the_pip_fallback_pins_the_same_versions_as_the_lock():
    exported = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", EXPORT, re.M))
    exported = {_norm(k): v for k, v in exported.items()}
    locked: dict[str, set[str]] = {}
    for package in LOCK["package"]:
        if "editable" not in package["source"]:
            locked.setdefault(package["name"], set()).add(package["version"])
    assert set(exported) == set(locked), "requirements/lock.txt is stale: run `make lock`"
    for name, version in exported.items():
        assert version in locked[name], f"{name}: requirements/lock.txt {version}, uv.lock {locked[name]}"
    assert "--hash=sha256:" in EXPORT


@pytest.mark.skipif(not (ROOT / ".tools" / "bin" / "uv").exists() and shutil.which("uv") is None,
                    reason="uv is not installed (scripts/setup.sh puts it in .tools/)")
def test_uv_agrees_that_the_lock_is_current():
    uv = str(ROOT / ".tools" / "bin" / "uv") if (ROOT / ".tools" / "bin" / "uv").exists() else shutil.which("uv")
    proc = subprocess.run([uv, "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
