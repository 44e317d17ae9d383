"""What the commands share: loading flows, mapping input errors to exit 2, naming and writing outputs."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TextIO

from piflow import exitcodes, stopping


class UsageError(Exception):
    """A command line that contradicts itself (exit 2, like bad input)."""


MAX_PRINTED = 50  # a merge-key bomb gives hundreds; the first ones say what is wrong


def print_diagnostics(diagnostics, err: TextIO) -> None:
    diagnostics = list(diagnostics)
    for d in diagnostics[:MAX_PRINTED]:
        print(d.format(), file=err)
    if len(diagnostics) > MAX_PRINTED:
        more = len(diagnostics) - MAX_PRINTED
        print(f"…ほか {more} 件 (and {more} more)", file=err)


SIGNAL_POLL = 0.1  # seconds the main thread waits on other threads before it looks for Ctrl+C again


def result_of(future):
    """A future's result, waited for in short slices.

    A signal (Ctrl+C, SIGTERM) may be delivered to any thread of the process; Python acts on it in the
    main thread, and only once that thread wakes up.  Waiting without a limit on a thread that draws
    for minutes (a dot that hangs) would leave Ctrl+C unanswered until then."""
    while True:
        try:
            return future.result(timeout=SIGNAL_POLL)
        except TimeoutError:
            if future.done():
                raise  # the call itself raised TimeoutError


def input_errors_exit_2(action):
    """A command whose input (flow, policy, theme, Graphviz) fails prints the located diagnostics and exits 2.

    One place for what every command did in its own try/except; errors that should
    only skip one file or figure are still caught where they happen.
    """

    @functools.wraps(action)
    def run(*args, **kwargs):
        import inspect

        from piflow.diagnostics import InputError

        from piflow.terminal import visible_stream

        # What reaches the terminal is escaped where user text (a path, -s, --explain) carries
        # control sequences; JSON output is unchanged in meaning (escapes only inside strings).
        bound = inspect.signature(action).bind(*args, **kwargs)
        bound.arguments["out"] = visible_stream(bound.arguments.get("out") or sys.stdout)
        err = bound.arguments["err"] = visible_stream(bound.arguments.get("err") or sys.stderr)
        try:
            return action(*bound.args, **bound.kwargs)
        except InputError as exc:
            print_diagnostics(exc.diagnostics, err)
            return exitcodes.BAD_INPUT
        except UsageError as exc:
            print(f"使い方の誤り (usage error): {exc}", file=err)
            return exitcodes.BAD_INPUT
        except KeyboardInterrupt as exc:  # Ctrl+C or SIGTERM: dot is killed and temp files removed on the way out
            print("\n中断しました (interrupted)", file=err)
            return stopping.exit_code(exc)  # 130, or 143 for SIGTERM (click would say "Aborted!" and exit 1)

    return run


def load_all(paths: list[str], err: TextIO, progress: str | None = None):
    """Load every flow under ``paths``; returns (documents, had_errors).

    progress: a label for ``[3/60] label file …`` lines while loading, on a terminal.
    """
    loaded = Loaded(paths, err, progress)
    documents = list(loaded)
    return documents, loaded.failed


class Loaded:
    """The flows under ``paths``, loaded one at a time as they are iterated: a batch that needs each flow
    only once (audit) holds one at a time, so its memory does not grow with the number of files.
    ``failed`` is true once a file could not be read (its located errors are printed on ``err``)."""

    def __init__(self, paths: list[str], err: TextIO, progress: str | None = None):
        self.paths, self.err, self.progress = paths, err, progress
        self.failed = False

    def __iter__(self):
        from piflow.diagnostics import InputError
        from piflow.loader import load

        files = self._files()
        shown = Progress(len(files), self.err, self.progress) if self.progress is not None else None
        for name in files:
            if shown:
                shown.step(name)
            try:
                doc = load(name)
            except InputError as exc:
                print_diagnostics(exc.diagnostics, self.err)
                self.failed = True
                continue
            yield doc

    def _files(self) -> list[str]:
        from piflow.diagnostics import Diagnostic
        from piflow.loader import discover

        paths, err = self.paths, self.err
        not_flows: list[str] = []
        try:
            files = discover(paths, not_flows)
        except OSError as exc:  # a folder that vanishes or cannot be listed while we walk it (`validate /` meets /proc)
            where = str(exc.filename or (paths[0] if paths else ""))
            print_diagnostics([Diagnostic(where, 1, 1, "P001", "フォルダを読めません",
                                          f"cannot list the folder: {exc.strerror}")], err)
            self.failed = True
            return []
        if not files:
            print_diagnostics([Diagnostic(p, 1, 1, "P001", "フローファイル (.yaml) がありません", "no flow files found",
                                          _not_flows_hint([f for f in not_flows if _below(f, p)]))
                               for p in paths], err)
            self.failed = True
        elif not_flows:
            print(f"注意: {_not_flows_hint(not_flows)}", file=err)
        return files


def _below(file: str, folder: str) -> bool:
    return Path(file).is_relative_to(Path(folder))


def _not_flows_hint(not_flows: list[str]) -> str:
    """What was left out of a folder, and how to read such a file anyway ("" when nothing was)."""
    if not not_flows:
        return ""
    names = not_flows[0] + (f" ほか {len(not_flows) - 1} 件" if len(not_flows) > 1 else "")
    return (f"行頭に piflow:・proposal:・parties: などのフローのキーがない YAML は読みませんでした（{names}）。"
            "フローのつもりなら、ファイル名で渡すと読んで、足りないものを示します "
            f"(skipped {len(not_flows)} YAML file(s) without a flow's top-level key; name one to read it anyway)")


def title_problem(title: str | None) -> str | None:
    """Why ``--title`` cannot be a flow's title (None when it can): checked before a file is written, so
    init and form new never make a flow that does not validate."""
    from piflow.loader import MAX_TEXT
    from piflow.yamlsource import FORBIDDEN

    if title is None:
        return None
    bad = FORBIDDEN.search(title)
    if bad:
        return (f"--title に使えない文字 (U+{ord(bad.group()):04X}) があります。打ち直してください "
                "(a control, bidirectional or line-separator character in --title)")
    if not title.strip():
        return "--title が空です (an empty --title)"
    if len(title.strip()) > MAX_TEXT:
        return f"--title が長すぎます（{MAX_TEXT:,} 文字まで） (--title is longer than {MAX_TEXT:,} characters)"
    return None


def threshold_hit(findings, fail_on: str) -> bool:
    from piflow.audit.finding import SEVERITY_RANK

    limit = SEVERITY_RANK[fail_on]
    return any(not f.accepted and SEVERITY_RANK[f.severity] <= limit for f in findings)


# Windows refuses these as file names whatever the extension (CON.svg is the console).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
NAME_BYTES = 120  # room for ".checklist.xlsx" and the temporary ".NAME.xxxxxxxx.tmp" within 255 bytes


def bounded_name(name: str) -> str:
    """At most NAME_BYTES of UTF-8, cut on a character boundary (a flow file's own long name)."""
    encoded = name.encode("utf-8", "surrogateescape")
    return encoded[:NAME_BYTES].decode("utf-8", "ignore") if len(encoded) > NAME_BYTES else name


# What no file name should hold: controls, reordering and line-separator characters, lone surrogates.
_UNSHOWABLE = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff\ufffe\uffff"


def _plain_name(text: str, also: str, fallback: str) -> str:
    """``text`` as a file name: NFC, without invisible format characters (zero-width spaces and joiners,
    direction marks, BOM, soft hyphen: a name holding one looks the same as one without and is another
    file), runs of what no name should hold and of ``also`` as one "_", bounded, never a reserved name."""
    import re
    import unicodedata

    name = unicodedata.normalize("NFC", text)
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    name = re.sub(f'[\\\\/:*?"<>|{also}{_UNSHOWABLE}]+', "_", name).strip("_. ")
    name = bounded_name(name).rstrip("_. ")
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    return name or fallback


def safe_name(text: str) -> str:
    """A file name from user text (a 資料 tag): no separators, spaces, controls, invisible characters or
    reserved names, bounded length."""
    return _plain_name(text, r"\s", "figure")


def stem_name(stem: str) -> str:
    """The name of a flow file (its stem) for the outputs made from it: as safe_name, but spaces kept
    (「my flows.yaml」 gives 「my flows.html」); a line break or a tab in the name becomes "_"."""
    return _plain_name(stem, r"\t\n\r\x0b\x0c", "flow")


# What each extension of -o means; the command decides which of them it can make.
EXTENSIONS = ("docx", "html", "xlsx", "csv", "md", "svg", "png", "pdf", "dot")


def _extension(output: str | None) -> str | None:
    from pathlib import PurePath

    if output is None:
        return None
    suffix = PurePath(output).suffix.lower().lstrip(".")
    return suffix if suffix in EXTENSIONS else None


def choose_format(output: str | None, fmt: str | None, allowed: tuple[str, ...], default: str) -> str:
    """-f when given, else the extension of -o, else ``default``; a contradiction is a usage error."""
    ext = _extension(output)
    if ext is not None and ext not in allowed:
        raise UsageError(f"-o {output}: 拡張子 .{ext} の形式はこのコマンドでは作れません（作れるのは {', '.join(allowed)}）"
                         f" (this command cannot write .{ext}; it writes {', '.join(allowed)})")
    if ext is not None and fmt is not None and fmt != ext:
        raise UsageError(f"-f {fmt} と -o {output}（拡張子 .{ext}）が食い違っています。どちらかに合わせてください"
                         f" (-f {fmt} contradicts the extension of -o {output})")
    return fmt or ext or default


TEXT_FORMATS = ("html", "md", "csv", "svg", "dot", "yaml")  # what -o - can write to standard output
STDOUT = "-"


def refuse_binary_stdout(fmt: str) -> None:
    """``-o -`` with a binary format (DOCX, XLSX, PNG, PDF): a usage error that says why."""
    if fmt not in TEXT_FORMATS:
        raise UsageError(f"-o - は文字の出力（{', '.join(TEXT_FORMATS)}）だけを標準出力に書きます。{fmt} はバイナリなので"
                         f"ファイル名を指定してください (-o - writes text to standard output; {fmt} is binary: "
                         f"give a file name)")


def output_targets(output: str | None, names: list[str], fmt: str, sources: list[str] | None = None):
    """Where each output goes: the file -o names when there is one output, else names in a folder (default out/).

    ``-o -`` is standard output, for one text output (HTML, Markdown, CSV, SVG, DOT).
    Refuses (UsageError, before anything is written) a file -o for several outputs, ``-o -``
    for a binary format or several outputs, and two outputs that would land on the same file
    (same tag, same file name in two folders); names are compared the way Windows and macOS
    do, ignoring case.
    """
    from pathlib import Path

    sources = sources if sources is not None else names
    if output == STDOUT:
        refuse_binary_stdout(fmt)
        if not names:  # every input was invalid: its errors say so, and there is nothing to write
            return [], None
        if len(names) != 1:
            listed = "、".join(sources[:5]) + (" …" if len(sources) > 5 else "")
            raise UsageError(f"-o - で標準出力に書けるのは 1 つだけですが、出力は {len(names)} 個あります（{listed}）。"
                             f"-o にはフォルダを指定してください (-o - takes one output; there are {len(names)}: "
                             f"give a folder)")
        return [Path(STDOUT)], None
    if _extension(output) is not None:
        if len(names) == 1:
            return [Path(output)], Path(output).parent
        listed = "、".join(sources[:5]) + (" …" if len(sources) > 5 else "")
        raise UsageError(f"-o {output} はファイル 1 つ分ですが、出力は {len(names)} 個あります（{listed}）。"
                         f"-o にはフォルダを指定してください（図なら -s で 1 枚を選べます） (-o names one file but there are {len(names)} outputs; "
                         f"give a folder)")
    folder = Path(output or "out")
    targets = [folder / f"{n}.{fmt}" for n in names]
    refuse_collisions(targets, sources)
    return targets, folder


def refuse_collisions(targets, sources: list[str]) -> None:
    """Two outputs bound for one file (compared as Windows and macOS do: NFC, ignoring case) stop the run."""
    import unicodedata

    seen: dict[str, str] = {}
    for target, source in zip(targets, sources):
        key = unicodedata.normalize("NFC", str(target)).casefold()
        if key in seen:
            raise UsageError(f"出力ファイル名 {target} が重なります: {seen[key]} と {source}。"
                             "フローのファイル名か資料番号 (tag) を変えるか、別々に実行して -o で出力先を分けてください "
                             f"(two outputs would be written to the same file: {seen[key]} and {source})")
        seen[key] = source


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # a closed or file-like stream
        return False


class Progress:
    """``[3/60] what …`` lines on stderr, only when a person is watching it (a TTY) and there is more than one."""

    def __init__(self, total: int, err: TextIO, label: str = ""):
        self.total, self.err, self.label, self.started = total, err, label, 0
        self.shown = total > 1 and _is_terminal(err)

    def step(self, what: str) -> None:
        self.started += 1
        if self.shown:
            print(f"[{self.started}/{self.total}] {self.label}{what} …", file=self.err, flush=True)


class Outputs:
    """Each output written as soon as it is made, with progress on stderr when that is a terminal.

    A batch (60 reports) used to be written at the end, silent for minutes; now each file
    lands as it is finished.  Writing early is safe because output_targets refused colliding
    names before any work.  Progress lines go to stderr only for a person watching (a TTY),
    so logs and pipes stay as they were.
    """

    def __init__(self, total: int, inputs, out: TextIO, err: TextIO, replace: bool = True):
        self.inputs, self.out, self.err, self.replace = tuple(inputs), out, err, replace
        self.progress = Progress(total, err)

    def working(self, what: str) -> None:
        """Say which item is being made now ([3/60] …), on a terminal."""
        self.progress.step(what)

    def write(self, target, data: bytes, note: str) -> bool:
        """Write one output; False (after saying why) when it cannot be written."""
        from piflow.writers.files import OutputError, write_atomic

        if str(target) == STDOUT:  # -o -: the bytes as they are (no progress line to mix in)
            raw = getattr(self.out, "buffer", None)
            if raw is not None:
                self.out.flush()
                raw.write(data)
                raw.flush()
            else:  # a text stream (tests' StringIO)
                self.out.write(data.decode("utf-8"))
            return True
        try:
            write_atomic(target, data, self.inputs, replace=self.replace)
        except OutputError as exc:
            print(str(exc), file=self.err)
            return False
        print(f"{target}  ← {note}", file=self.out, flush=True)
        return True


def write_all(pairs, inputs, out, err, replace: bool = True) -> int:
    """Write outputs made beforehand (diff's figures); exit 2 at the first that cannot be written.

    ``replace=False`` for files the user edits (flow files, workbooks): an existing one is kept.
    """
    outputs = Outputs(len(pairs), inputs, out, err, replace)
    for target, data, note in pairs:
        if not outputs.write(target, data, note):
            return exitcodes.BAD_INPUT
    return exitcodes.OK


def unfilled_message(path: str, unfilled, what: str = "提出用の資料") -> str:
    """Why --strict wrote nothing: how many items, and the first few by form, section and number."""
    shown = "\n".join(f"  {form.number}{'区' if form.side == 'ward' else '相手'} 【{section.name}】{item.number} "
                      f"{item.mark}: {item.text[:40]}" for form, section, item in unfilled[:10])
    more = f"\n  …ほか {len(unfilled) - 10} 項目" if len(unfilled) > 10 else ""
    return (f"{path}: --strict: チェックリストに未記入・未対応の項目が {len(unfilled)} あるため、{what}を書きません"
            f" ({len(unfilled)} checklist items unanswered; nothing written). 一覧は piflow report --review で:\n"
            f"{shown}{more}")
