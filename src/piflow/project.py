"""Project settings: ``piflow.toml`` beside the flows names the municipality.

The checklists and templates speak of the ward by name (「新宿区情報セキュリティ
ポリシー」, 新宿区（○○課）).  A folder of flows for another municipality says so
once, in a ``piflow.toml`` in that folder or any folder above it::

    # piflow.toml
    municipality = "豊島区"

The search starts in the flow's folder and goes up to the repository root (a folder holding ``.git``) or
the home folder, whichever comes first, and no further: a piflow.toml somewhere above the project does
not silently change an audit.  Outside a repository and the home folder (a shared drive), the search
stops below the folders everyone shares: the file system's root and the folders directly in it (/, /tmp,
C:\\, a share's root).  The audit prints the file it used (``settings_note``).

``piflow --municipality 豊島区 …`` overrides it for one run.  Without either, the
built-in 新宿区 is used (the seed papers' ward).  ``pack = "pack"`` names a policy
pack folder (the project's own measures, checklist forms and policy; see
``piflow.pack``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from piflow.diagnostics import Diagnostic, InputError
from piflow.textnorm import did_you_mean

FILE_NAME = "piflow.toml"
DEFAULT_MUNICIPALITY = "新宿区"
KEYS = ("municipality", "pack")

# Set by the command line's --municipality for the whole run (None: use piflow.toml).
_override: str | None = None


@dataclass(frozen=True)
class Project:
    municipality: str = DEFAULT_MUNICIPALITY
    file: str | None = None  # the piflow.toml it came from
    pack: Path | None = None  # the policy pack folder (see piflow.pack)


def set_municipality(name: str | None) -> None:
    """The command line's --municipality; checked like the file's value."""
    global _override
    _override = _checked(name, "--municipality", 1, 1) if name is not None else None


def municipality_for(path: str | Path | None) -> str:
    """The municipality a flow file (or a file about to be written) belongs to."""
    if _override:
        return _override
    return project_for(path).municipality


def project_for(path: str | Path | None) -> Project:
    folder = Path(path).resolve().parent if path else Path.cwd().resolve()
    return _project_in(folder)


@cache
def _project_in(folder: Path) -> Project:
    for candidate in search_folders(folder):
        settings = candidate / FILE_NAME
        if settings.is_file():
            return _read(settings)
    return Project()


def search_folders(folder: Path) -> list[Path]:
    """Where piflow.toml is looked for: ``folder`` and its parents up to the repository root or the home
    folder (the first met), never beyond; under neither, never the root or a folder directly in it."""
    try:
        home = Path.home().resolve()
    except (RuntimeError, OSError):  # no home (a service account): repository roots only
        home = None
    chain = [folder, *folder.parents]
    for i, candidate in enumerate(chain):
        if (candidate / ".git").exists() or candidate == home:
            return chain[: i + 1]
    return chain[: max(1, len(chain) - 2)]


def settings_note(path: str | Path | None) -> dict:
    """Which settings a flow is read with, for the audit's heading and JSON: the piflow.toml used (or
    none), the municipality, and whether --municipality overrode it."""
    project = project_for(path)
    shown = project.file
    if shown is not None:  # relative to where piflow runs when below it: the same JSON on every clone
        try:
            shown = Path(shown).relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            pass
    return {"file": shown, "municipality": municipality_for(path), "override": bool(_override)}


# Controls, and what makes a name print in another order than it reads (bidi embeddings, overrides and
# isolates, line separators): the name is printed in every checklist and report.
_BAD_NAME = re.compile("[\x00-\x1f\x7f-\x9f{}\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff\ufffe\uffff]")
MAX_SETTINGS_BYTES = 64 * 1024  # a settings file is a few lines


def _checked(value: object, where: str, line: int, column: int) -> str:
    bad = _BAD_NAME.search(value) if isinstance(value, str) else None
    if bad:
        raise InputError([Diagnostic(
            where, line, column, "P009", f"municipality に使えない文字 (U+{ord(bad.group()):04X}) があります",
            "a control, bidirectional or line-separator character in the municipality",
            "目に見えない文字です。打ち直してください (an invisible character: retype the name)")])
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        raise InputError([Diagnostic(
            where, line, column, "P009", "municipality は自治体の名前（例: \"豊島区\"）を文字列で書いてください",
            "municipality is the municipality's name as a string", "例 (e.g.): municipality = \"豊島区\"")])
    return value.strip()


def _read(settings: Path) -> Project:
    import tomllib

    name = str(settings)
    try:
        with settings.open("rb") as fh:
            raw = fh.read(MAX_SETTINGS_BYTES + 1)
        if len(raw) > MAX_SETTINGS_BYTES:
            raise InputError([Diagnostic(name, 1, 1, "P009", "設定ファイルが大きすぎます（64 KB まで）",
                                         "the settings file is too large (64 KB)")])
        data = tomllib.loads(raw.decode("utf-8-sig"))  # Notepad may save UTF-8 with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Diagnostic(name, 1, 1, "P009", f"設定ファイルを読めません: {exc}", "cannot read the settings",
                                     "UTF-8 で保存してください (save it as UTF-8)")]) from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise InputError([Diagnostic(name, 1, 1, "P009", "設定ファイルの入れ子が深すぎます", "nesting too deep",
                                     "例 (e.g.): municipality = \"豊島区\"")]) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        raise InputError([Diagnostic(name, line, col, "P009", "設定ファイル (TOML) の書き方の誤りです", str(exc),
                                     "例 (e.g.): municipality = \"豊島区\"")])
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise InputError([Diagnostic(name, _line_of(settings, unknown[0]), 1, "P009",
                                     f"設定ファイルに不明なキー「{unknown[0]}」があります", "unknown key",
                                     did_you_mean(unknown[0], list(KEYS)) or f"使えるキー: {', '.join(KEYS)}")])
    municipality = DEFAULT_MUNICIPALITY
    if "municipality" in data:
        municipality = _checked(data["municipality"], name, _line_of(settings, "municipality"), 1)
    pack = None
    if "pack" in data:
        value = data["pack"]
        pack = (settings.parent / value).resolve() if isinstance(value, str) and value.strip() else None
        if pack is None or not pack.is_dir():
            raise InputError([Diagnostic(
                name, _line_of(settings, "pack"), 1, "P009",
                f"pack のフォルダ「{value}」がありません（piflow.toml からの相対パスで書きます）",
                "the pack folder does not exist (relative to piflow.toml)", "例 (e.g.): pack = \"pack\"")])
    return Project(municipality, name, pack)


def _line_of(settings: Path, key: str) -> int:
    for i, line in enumerate(settings.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if line.lstrip().startswith(key):
            return i
    return 1


def localise(text: str, municipality: str) -> str:
    """Put the municipality into a bundled text that names it as ``{municipality}``."""
    return text.replace("{municipality}", municipality)
