"""piflow diff: what changed between two versions, and its effect on the audit."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import input_errors_exit_2, refuse_collisions, threshold_hit, safe_name, write_all


# What git itself sets for a hook or a command it runs (`git rev-parse --local-env-vars`): under a hook,
# GIT_DIR=.git would send `git -C flows/` to flows/.git, and so to "revision not found".  The repository is
# the one that holds the file, found from the file's folder.
_GIT_LOCAL_ENV = ("GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
                  "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
                  "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
                  "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR")


def _git(args: list[str], cwd, label: str):
    """Run git with fixed leading options; ``label`` names the input in error messages."""
    import os
    import subprocess

    from piflow.diagnostics import Diagnostic, InputError

    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCAL_ENV}
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False, timeout=60, env=env)
    except FileNotFoundError:
        raise InputError([Diagnostic(label, 1, 1, "P001", "git が見つかりません", "git not found")]) from None
    except subprocess.TimeoutExpired:
        raise InputError([Diagnostic(label, 1, 1, "P001", "git が応答しません（60 秒）", "git timed out")]) from None


def _load_revision(path: str, rev: str, err: TextIO):
    """The flow file as it was at git revision ``rev``.

    ``rev`` is user text handed to git: one starting with '-' would be read as an
    option (``--output=FILE`` writes a file), so it is refused, then resolved to a
    commit id with ``--end-of-options`` and only that id reaches ``git show``.
    """
    from pathlib import Path

    from piflow.diagnostics import Diagnostic, InputError
    from piflow.loader import loads
    from piflow.yamlsource import decode, max_bytes, too_large

    label = f"{path}@{rev}"
    if not rev.strip() or rev.startswith("-") or "\0" in rev:
        raise InputError([Diagnostic(path, 1, 1, "P001",
                                     f"git のリビジョン「{rev}」は使えません（空や「-」で始まるものは不可）",
                                     "a revision must be non-empty and must not start with '-'",
                                     "例 (e.g.): --rev HEAD~1, --rev main, --rev v1.0")])
    p = Path(path).resolve()
    resolved = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], p.parent, label)
    commit = resolved.stdout.decode("ascii", "replace").strip()
    if resolved.returncode != 0 or not commit:
        raise InputError([Diagnostic(label, 1, 1, "P001", f"git のリビジョン「{rev}」が見つかりません",
                                     "unknown git revision (or not a git repository)",
                                     "git log --oneline で版を確かめてください (check with git log --oneline)")])
    blob = f"{commit}:./{p.name}"
    size = _git(["cat-file", "-s", "--end-of-options", blob], p.parent, label)
    if size.returncode == 0 and int(size.stdout.strip() or 0) > max_bytes():  # refused before it is read
        raise InputError([too_large(label)])
    proc = _git(["show", "--end-of-options", blob], p.parent, label)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise InputError([Diagnostic(label, 1, 1, "P001", f"git から読めません: {message}",
                                     "cannot read the file at that revision")])
    text, errors = decode(label, proc.stdout)
    if text is None:
        raise InputError(errors)
    return loads(text, label)


@input_errors_exit_2
def diff(old_path: str, new_path: str | None = None, rev: str | None = None, fmt: str = "text",
         figure: str | None = None, fail_on: str = "error", policy_path: str | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """What changed between two versions of a flow, and what that does to the audit."""
    import json

    from piflow.audit.engine import audit as run_audit
    from piflow.diagnostics import Diagnostic, InputError
    from piflow.diff import KIND_ORDER, diff as run_diff
    from piflow.loader import load
    from piflow.policy import load_policy

    out, err = out or sys.stdout, err or sys.stderr
    if (new_path is None) == (rev is None):
        raise InputError([Diagnostic(old_path, 1, 1, "P001", "比べる相手を NEW か --rev のどちらか一つで指定してください",
                                     "give either NEW or --rev")])
    # The file as it is now first: a file that is not there is "not found", not an unknown revision.
    new = load(old_path if rev is not None else new_path)
    old = _load_revision(old_path, rev, err) if rev is not None else load(old_path)
    policy = load_policy(policy_path)
    changes = sorted(run_diff(old, new), key=lambda c: (KIND_ORDER[c.kind], c.entity, c.key))
    before = {f.key: f for f in run_audit(old, policy) if not f.accepted}
    after = {f.key: f for f in run_audit(new, policy) if not f.accepted}
    introduced = [after[k] for k in sorted(after.keys() - before.keys())]
    resolved = [before[k] for k in sorted(before.keys() - after.keys())]
    if fmt == "json":
        doc = {
            "old": old.path, "new": new.path,
            "changes": [{"kind": c.kind, "entity": c.entity, "key": c.key, "label": c.label, "field": c.field,
                         "before": c.before, "after": c.after, "text": c.describe()} for c in changes],
            "findings": {"introduced": [{"key": f.key, "severity": f.severity, "message": f.message} for f in introduced],
                         "resolved": [{"key": f.key, "severity": f.severity, "message": f.message} for f in resolved]},
        }
        out.write(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    else:
        out.write(_text(old.path, new.path, changes, introduced, resolved))
    if figure:
        rc = _diff_figures(old, new, changes, figure, out, err)
        if rc:
            return rc
    return exitcodes.FINDINGS if threshold_hit(introduced, fail_on) else exitcodes.OK


def _text(old_path: str, new_path: str, changes, introduced, resolved) -> str:
    """The diff for a terminal; user text (labels, before/after values) is escaped where it holds controls."""
    from piflow.diff import KIND_JA
    from piflow.terminal import visible

    lines: list[str] = []
    say = lines.append
    say(f"差分 (diff): {old_path} → {new_path}")
    if not changes:
        say("  意味のある変更はありません (no meaningful changes)")
    mark = {"added": "+", "removed": "-", "changed": "~", "renumbered": "#"}
    for kind in ("added", "removed", "changed", "renumbered"):
        group = [c for c in changes if c.kind == kind]
        if group:
            say(f"{KIND_JA[kind]} ({kind})")
            for c in group:
                say(f"  {mark[kind]} {c.describe()}")
    say("監査への影響 (effect on the audit)")
    for title, items in (("新たな指摘 (introduced)", introduced), ("解消した指摘 (resolved)", resolved)):
        say(f"  {title}: {len(items)}")
        for f in items:
            say(f"    {f.severity} {f.key} — {f.message.split(' — ')[0]}")
    counts = {k: sum(c.kind == k for c in changes) for k in KIND_JA}
    say(f"集計 (summary): 追加 {counts['added']}、削除 {counts['removed']}、変更 {counts['changed']}、"
        f"番号の変更 {counts['renumbered']}；新たな指摘 {len(introduced)}、解消 {len(resolved)}")
    return visible("\n".join(lines) + "\n")


def _diff_figures(old, new, changes, folder: str, out: TextIO, err: TextIO) -> int:
    from pathlib import Path

    from piflow.stepkeys import identity
    from piflow.draw.figure import Options, figure_pages, render_all
    from piflow.draw.style import load_style

    theme = load_style(None)
    old_scenarios = {s.id: s for s in old.flow.scenarios}
    pages = []
    for sc in new.flow.scenarios:
        prev = old_scenarios.get(sc.id)
        kept = {identity(s) for s in sc.steps}
        removed = [s for s in prev.steps if identity(s) not in kept] if prev else []
        mine = [c for c in changes if not c.key.startswith("step:") or c.key.startswith(f"step:{sc.id}/")]
        # For review on screen, not for filing: one sheet per figure, at its natural size.
        drawn, _ = figure_pages(new, sc, theme, Options(changes=mine, removed_steps=removed), page="none")
        pages += [(sc, fp) for fp in drawn]
    names = [safe_name(sc.tag if fp.count == 1 else f"{sc.tag}_p{fp.number}") for sc, fp in pages]
    targets = [Path(folder) / f"{name}.diff.svg" for name in names]
    refuse_collisions(targets, [f"{new.path} [{fp.tag}]" for _, fp in pages])
    drawn = render_all([fp for _, fp in pages], "svg")
    pairs = [(target, svg, fp.tag) for target, (_, fp), svg in zip(targets, pages, drawn)]
    return write_all(pairs, (new.path,), out, err)
