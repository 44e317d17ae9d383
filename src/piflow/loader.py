"""Flow file -> ``Document`` (the validated model plus where everything sits).

Stages, each collecting every error it can before the next gives up:
read bytes -> decode -> parse YAML with positions -> validate the model
(pydantic) -> cross-references (ids, step numbering, subcontracting).
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from piflow.catalog import Catalog
from piflow.diagnostics import Diagnostic, InputError
from piflow.form.safety import looks_like_form
from piflow.gcpause import gc_paused
from piflow.inputfile import read_bytes
from piflow.model import Flow
from piflow.pack import catalog_in, pack_folder
from piflow.textnorm import Suggester, did_you_mean, normalize
from piflow.vocab import Role, parse_vocab
from piflow.yamlsource import Source, decode, dotted as _dotted, parse

FLOW_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls")  # read (or refused) by piflow.form


@dataclass(frozen=True)
class Document:
    """A loaded flow: the model, the file it came from and its positions."""

    path: str
    flow: Flow
    source: Source
    catalog: Catalog | None = None  # the measure catalog it was read with (a project's policy pack, or the built-in)

    def where(self, path: tuple) -> tuple[int, int]:
        return self.source.where(path)

    def place(self, path: tuple) -> str:
        """``flows/x.yaml:24:5``, or ``book.xlsx!手順!E7`` for a workbook."""
        return self.source.place(path)


def load(path: str | Path, catalog: Catalog | None = None) -> Document:
    """Load and validate one flow file (YAML, or the Excel form); raises InputError with every problem found."""
    name = str(path)
    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
        return load_workbook(name, catalog)
    raw = read_bytes(name)
    text, errors = decode(name, raw)
    if text is None:
        raise InputError(errors)
    return loads(text, name, catalog)


@gc_paused()
def loads(text: str, name: str = "<string>", catalog: Catalog | None = None) -> Document:
    """Validate flow text (already decoded)."""
    source, errors = parse(name, text)
    if source is None:
        raise InputError(errors)
    if not isinstance(source.data, dict):
        raise InputError(errors + [Diagnostic(name, 1, 1, "P007",
                                              "フローファイルは「キー: 値」の形で、先頭に piflow: 1 が必要です",
                                              "a flow file is a mapping starting with 'piflow: 1'",
                                              "piflow init で雛形を作れます (piflow init makes a template)")])
    catalog = resolve_catalog(name, catalog)
    return Document(name, validate_source(source, catalog, errors), source, catalog)


def load_workbook(name: str, catalog: Catalog | None = None) -> Document:
    """The Excel form: what its sheets say (piflow.form.reader), validated like a flow file, errors at their cells."""
    from piflow.form.reader import read_workbook  # a downward import, deferred: most runs read no workbook

    book = read_workbook(name)
    catalog = resolve_catalog(name, catalog)
    errors = list(book.errors)
    flow = None
    try:
        flow = validate_source(book.coded_source(), catalog)
    except InputError as exc:
        errors += book.locate(exc.diagnostics)
    if errors or flow is None:
        raise InputError(errors)
    return Document(name, flow, book.source, catalog)


MAX_TEXT = 2_000  # characters in one value: a paper's longest paragraph is a few hundred


def _long_texts(source: Source) -> list[Diagnostic]:
    """P005 for every text longer than MAX_TEXT, at its place (a 400,000-character label took 13 s to lay out)."""
    found: list[Diagnostic] = []
    stack: list[tuple[tuple, object]] = [((), source.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                line, col = source.where(path)
                found.append(Diagnostic(source.file, line, col, "P005",
                                        f"{_dotted(path)}: 文字が長すぎます（{len(value):,} 文字。{MAX_TEXT:,} 文字まで）",
                                        f"text too long ({len(value):,} characters; limit {MAX_TEXT:,})",
                                        "図や用紙に載る文は短く書き、詳しい説明は別の資料にしてください "
                                        "(keep texts short; put long explanations elsewhere)"))
        elif isinstance(value, dict):
            stack += [((*path, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [((*path, i), v) for i, v in enumerate(value)]
    return sorted(found, key=lambda d: (d.line, d.column))


def resolve_catalog(name: str, catalog: Catalog | None = None) -> Catalog:
    """The catalog a flow file is read with: the given one, else its project's policy pack's, else the built-in."""
    return catalog if catalog is not None else catalog_in(pack_folder(name))


def validate_source(source: Source, catalog: Catalog | None = None, errors: list[Diagnostic] | None = None) -> Flow:
    """Plain data (from YAML or the Excel form) -> the model, with the cross-reference checks."""
    errors = list(errors or [])
    long = _long_texts(source)
    if long:  # refused before the model (and any layout) spends time on them
        raise InputError(errors + long)
    catalog = resolve_catalog(source.file, catalog)
    flow = None
    try:
        flow = Flow.model_validate(source.data, context={"catalog": catalog})
    except ValidationError as exc:
        # A value the YAML reader already refused (None in its place) is not reported twice.
        said = {(d.line, d.column) for d in errors}
        errors += [d for d in (_from_pydantic(source, err) for err in _root_causes(exc.errors()))
                   if (d.line, d.column) not in said]
    errors += check_references(source)
    if errors or flow is None:
        raise InputError(errors)
    return flow


def discover(paths: list[str], not_flows: list[str] | None = None) -> list[str]:
    """Expand folders into their flow files and forms (sorted, so runs are reproducible).

    YAML files in a folder that are not flows (``looks_like_flow``) are left out and, when
    ``not_flows`` is given, listed there, so "no flow files" can say what was seen."""
    found: list[str] = []
    for p in paths:
        path = Path(p)
        if p.strip() and path.is_dir():  # "" is Path("."): an empty argument never means "everything here"
            for f in sorted(_files_below(path), key=str):  # by the path's text, folders and names alike
                if f.suffix in FLOW_SUFFIXES:
                    if looks_like_flow(f):
                        found.append(str(f))
                    elif not_flows is not None:
                        not_flows.append(str(f))
                elif f.suffix.lower() == ".xlsx" and looks_like_form(f):
                    found.append(str(f))
        else:
            found.append(p)
    return found


FLOW_KEYS = frozenset(field.alias or name for name, field in Flow.model_fields.items())

# A top-level key: at the start of a line, after an anchor (&a) or a tag (!!str) if any, plain or quoted,
# then ":" and a space or the line's end.  Linear on any line (no nested repetition); the key is
# stripped of its trailing spaces afterwards.
_TOP_KEY = re.compile(r"""^(?:[&!]\S*[ \t]+){0,2}(?:"([^"\n]*)"[ \t]*|'([^'\n]*)'[ \t]*|([^\s#'"?:{\[\-&!][^:\n]*))"""
                      r":(?:[ \t]|$)", re.M)
# Where YAML breaks a line besides \n: Windows files end theirs with \r\n.
_BREAKS = re.compile(r"\r\n?|[\x85\u2028\u2029]")
# Top-level keys this check cannot read, a complex key (? …) or a merge (<<:): such a file is read.
_OPAQUE_KEY = re.compile(r"^(?:\?|<<[ \t]*:)", re.M)


def looks_like_flow(path: Path) -> bool:
    """A YAML file in a folder is read as a flow unless its top-level keys are all keys a flow never has.

    A theme (styles/*.yaml), a policy pack's measures.yaml or a CI setting beside the flows has keys
    of its own (name, lanes, measures, jobs …) and no piflow, proposal, parties …; reading it as a flow
    gave a screen of P102/P103 errors for a file nobody meant as one.  A file that cannot be read or
    decoded, an empty one, one without block-style keys or with keys this cannot read (``? key``,
    ``<<:``) is still read, so its problem is reported; a file named on the command line is always read."""
    try:
        text, _ = decode(str(path), read_bytes(str(path)))
    except InputError:
        return True
    if text is None:
        return True
    text = _BREAKS.sub("\n", text)
    if _OPAQUE_KEY.search(text):
        return True
    seen = False
    for m in _TOP_KEY.finditer(text):
        if next(g for g in m.groups() if g is not None).strip() in FLOW_KEYS:
            return True  # most often on the first line (piflow: 1)
        seen = True
    return not seen

SKIPPED_FOLDERS = {"node_modules", "__pycache__"}  # and every hidden one (.git, .venv, .github …)


def _files_below(folder: Path):
    """Regular files at any depth, walked with a stack, not recursion (Path.rglob and os.walk recurse on
    Python 3.11: a folder 1,000 deep ended in RecursionError); linked folders are not followed (no loops).

    Below the folder given, hidden folders and tools' folders are not entered: ``piflow audit .`` in a
    project reads its flows, not the YAML of .git, a virtual environment or CI settings."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:  # unreadable folder: what can be read is still audited
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS:
                        stack.append(Path(entry.path))
                elif entry.is_file():
                    yield Path(entry.path)
            except OSError:
                continue


# --- pydantic errors -> diagnostics ----------------------------------------------

_TYPE_MESSAGES = {
    "string_type": ("文字列で書いてください", "expected text"),
    "int_type": ("整数で書いてください", "expected an integer"),
    "int_parsing": ("整数で書いてください", "expected an integer"),
    "bool_type": ("true か false で書いてください", "expected true or false"),
    "bool_parsing": ("true か false で書いてください", "expected true or false"),
    "tuple_type": ("リスト（「- 」で始まる行の並び）で書いてください", "expected a list"),
    "list_type": ("リスト（「- 」で始まる行の並び）で書いてください", "expected a list"),
    "model_type": ("「キー: 値」の形（マッピング）で書いてください", "expected a mapping"),
    "model_attributes_type": ("「キー: 値」の形（マッピング）で書いてください", "expected a mapping"),
    "dict_type": ("「キー: 値」の形（マッピング）で書いてください", "expected a mapping"),
}

_CODE_BY_TYPE = {
    "missing": "P103",
    "extra_forbidden": "P102",
    "piflow_measure": "P205",
    "piflow_waiver_reason": "P206",
}


def _root_causes(errs: list[dict]) -> list[dict]:
    """Drop 'list too short' errors that only follow from an invalid item inside it."""
    locs = [tuple(e["loc"]) for e in errs]
    return [
        e for e in errs
        if e["type"] != "too_short" or not any(len(o) > len(e["loc"]) and o[: len(e["loc"])] == tuple(e["loc"]) for o in locs)
    ]


def _from_pydantic(source: Source, err: dict) -> Diagnostic:
    # Annotated validators add their own segment names to loc; keep only real keys.
    loc = tuple(p for p in err["loc"] if isinstance(p, int) or not str(p).startswith(("function-", "[")))
    kind = err["type"]
    ctx = err.get("ctx") or {}
    code = _CODE_BY_TYPE.get(kind, "P101")
    hint = ctx.get("hint", "")
    if kind == "missing":
        line, col = source.where(loc[:-1])
        ja, en = f"必須の項目「{loc[-1]}」がありません", f"missing key {loc[-1]!r}"
        loc = loc[:-1]
    elif kind == "extra_forbidden":
        line, col = source.where(loc, key=True)
        allowed = _allowed_keys(loc[:-1])
        ja, en = f"不明なキー「{loc[-1]}」です", f"unknown key {loc[-1]!r}"
        hint = did_you_mean(str(loc[-1]), allowed) or (f"使えるキー (allowed): {', '.join(allowed)}" if allowed else "")
    else:
        line, col = source.where(loc)
        if "ja" in ctx:
            ja, en = ctx["ja"], ctx.get("en", "")
        elif kind in _TYPE_MESSAGES:
            ja, en = _TYPE_MESSAGES[kind]
            if err.get("input", ...) is None and kind in ("tuple_type", "list_type", "dict_type"):
                # `waivers:` with nothing after it (a key left empty while editing): say how to write "none".
                empty = "{}" if kind == "dict_type" else "[]"
                hint = hint or (f"値がありません。無いときは {empty} と書くか、この行を消してください "
                                f"(write {empty} for none, or remove the line)")
                en = f"{en}, but the key has no value"
        elif kind == "too_short":
            n = ctx.get("min_length", 1)
            ja, en = (f"少なくとも {n} 個必要です" if n > 1 else "空にはできません"), err["msg"]
        elif kind == "literal_error" and loc == ("piflow",):
            ja, en = "対応していない版です。piflow: 1 と書いてください", "unsupported format version; write piflow: 1"
        else:
            ja, en = f"値が正しくありません: {err['msg']}", err["msg"]
    return Diagnostic(source.file, line, col, code, f"{_dotted(loc)}: {ja}", en, hint)


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys the model accepts at ``loc`` (for did-you-mean on unknown keys)."""
    model: type[BaseModel] | None = Flow
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        model = _inner_model(field.annotation) if field else None
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _inner_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    if isinstance(annotation, types.UnionType):
        return None
    return None


# --- cross-references ------------------------------------------------------------
# Checked on the raw data so they run even when some values had the wrong type.


def _items(container: object, key: str) -> list[tuple[int, dict]]:
    value = container.get(key) if isinstance(container, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _roles(value: object) -> set[Role]:
    out = set()
    for v in [value] if isinstance(value, str) else (value if isinstance(value, list) else []):
        try:
            out.add(parse_vocab(Role, v))
        except Exception:  # noqa: BLE001 - the model pass reports bad roles
            pass
    return out


_STEP_INT = re.compile(r"([0-9]+)'*")
_MISSING_SHOWN = 10


def _missing_numbers(numbers: Counter[str]) -> list[int]:
    """Gaps in 1..max of the step numbers, at most one more than we show.

    Walks upwards instead of building range(1, max): ``n: 99999999999999999999``
    must not allocate the range.
    """
    ints = sorted({int(m.group(1)) for n in numbers if (m := _STEP_INT.fullmatch(n))})
    missing: list[int] = []
    expected = 1
    for n in ints:
        while expected < n and len(missing) <= _MISSING_SHOWN:
            missing.append(expected)
            expected += 1
        if len(missing) > _MISSING_SHOWN:
            break
        expected = n + 1
    return missing


def check_references(source: Source) -> list[Diagnostic]:
    data = source.data
    errors: list[Diagnostic] = []

    def err(path: tuple, code: str, ja: str, en: str, hint: str = "", key: bool = False) -> None:
        line, col = source.where(path, key=key)
        errors.append(Diagnostic(source.file, line, col, code, f"{_dotted(path)}: {ja}", en, hint))

    # Parties and systems share one namespace: steps may name either.
    endpoints: dict[str, tuple] = {}
    roles: dict[str, set[Role]] = {}
    for i, party in _items(data, "parties"):
        decls = [(("parties", i, "id"), _str(party.get("id")))]
        roles[_str(party.get("id")) or ""] = _roles(party.get("role"))
        decls += [(("parties", i, "systems", j, "id"), _str(s.get("id"))) for j, s in _items(party, "systems")]
        for path, ident in decls:
            if ident is None:
                continue
            if ident in endpoints:
                first = source.where(endpoints[ident])[0]
                err(path, "P202", f"ID「{ident}」が重複しています（{first} 行目にもあります）", f"duplicate id {ident!r}",
                    "当事者とシステムの ID はファイル内で一意にしてください (party and system ids are unique)")
            else:
                endpoints[ident] = path
    data_ids: dict[str, tuple] = {}
    for i, item in _items(data, "data"):
        ident = _str(item.get("id"))
        if ident is None:
            continue
        if ident in data_ids:
            first = source.where(data_ids[ident])[0]
            err(("data", i, "id"), "P202", f"情報項目の ID「{ident}」が重複しています（{first} 行目にもあります）",
                f"duplicate data id {ident!r}")
        else:
            data_ids[ident] = ("data", i, "id")

    suggesters: dict[int, Suggester] = {}  # one per list of known names, made at the first unknown one

    def check_ref(path: tuple, value: object, known: dict, what_ja: str, what_en: str) -> None:
        ident = _str(value)
        if ident is not None and ident not in known:
            suggest = suggesters.get(id(known))
            if suggest is None:
                suggest = suggesters[id(known)] = Suggester(known)
            err(path, "P201", f"{what_ja}「{ident}」が定義されていません", f"unknown {what_en} {ident!r}",
                suggest(ident))

    def check_data_list(path: tuple, value: object) -> None:
        if isinstance(value, list):
            for k, ident in enumerate(value):
                check_ref((*path, k), ident, data_ids, "情報項目", "data item")

    for i, party in _items(data, "parties"):
        check_data_list(("parties", i, "data"), party.get("data"))
        for j, system in _items(party, "systems"):
            check_data_list(("parties", i, "systems", j, "data"), system.get("data"))
            check_data_list(("parties", i, "systems", j, "originates"), system.get("originates"))
        ident = _str(party.get("id")) or ""
        contractor = party.get("contractor")
        if Role.SUBCONTRACTOR in roles.get(ident, set()):
            if contractor is None:
                err(("parties", i), "P204", "再委託先には委託元 (contractor) が必要です",
                    "a subcontractor needs its contractor", "例 (e.g.): contractor: nec")
            elif _str(contractor) is not None:
                check_ref(("parties", i, "contractor"), contractor, {k: v for k, v in endpoints.items() if k in roles},
                          "委託元", "contractor")
                if contractor in roles and not roles[contractor] & {Role.CONTRACTOR, Role.SUBCONTRACTOR}:
                    err(("parties", i, "contractor"), "P204", f"委託元「{contractor}」の役割が委託先・再委託先ではありません",
                        "the contractor must have role 委託先 or 再委託先")
        elif contractor is not None:
            err(("parties", i, "contractor"), "P204", "contractor は再委託先 (role: 再委託先) にだけ書けます",
                "only a subcontractor has a contractor")

    scenario_ids: dict[str, tuple] = {}
    for i, scenario in _items(data, "scenarios"):
        ident = _str(scenario.get("id"))
        if ident is not None:
            if ident in scenario_ids:
                err(("scenarios", i, "id"), "P202", f"シナリオの ID「{ident}」が重複しています", f"duplicate scenario id {ident!r}")
            scenario_ids.setdefault(ident, ("scenarios", i, "id"))
        lanes = scenario.get("lanes")
        if isinstance(lanes, list):
            parties_only = {k: v for k, v in endpoints.items() if k in roles}
            for k, ident in enumerate(lanes):
                check_ref(("scenarios", i, "lanes", k), ident, parties_only, "当事者", "party")
        shown = scenario.get("figure_measures")
        if isinstance(shown, dict):
            for ident in shown:
                check_ref(("scenarios", i, "figure_measures", ident), ident, endpoints, "当事者・システム",
                          "party or system")
        numbers: Counter[str] = Counter()
        step_ids: dict[str, tuple] = {}
        for j, step in _items(scenario, "steps"):
            path = ("scenarios", i, "steps", j)
            check_ref((*path, "from"), step.get("from"), endpoints, "送り手", "endpoint")
            check_ref((*path, "to"), step.get("to"), endpoints, "受け手", "endpoint")
            check_data_list((*path, "data"), step.get("data"))
            no = step.get("n")
            if isinstance(no, (int, str)) and not isinstance(no, bool):
                # The model's reading of the number (NFKC: ① -> 1, ² -> 2), so both agree on duplicates.
                key = normalize(str(no)).replace("’", "'")
                numbers[key] += 1
                if numbers[key] == 2:
                    err((*path, "n"), "P203", f"ステップ番号 {key} が重複しています", f"duplicate step number {key}",
                        "並行する手順は 1' のように書けます (parallel steps may be numbered 1')")
            sid = _str(step.get("id"))
            if sid is not None:
                if sid in step_ids:
                    err((*path, "id"), "P202", f"ステップの ID「{sid}」が重複しています", f"duplicate step id {sid!r}")
                step_ids.setdefault(sid, (*path, "id"))
        missing = _missing_numbers(numbers)
        if missing:
            shown = ", ".join(map(str, missing[:_MISSING_SHOWN])) + (" …" if len(missing) > _MISSING_SHOWN else "")
            err(("scenarios", i, "steps"), "P203",
                f"ステップ番号 {shown} が抜けています（1 から順に振ってください）",
                f"missing step number(s) {shown}", key=True)
    return errors
