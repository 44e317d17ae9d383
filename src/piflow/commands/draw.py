"""piflow draw: one figure file per 資料 tag."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import (Outputs, Progress, choose_format, print_diagnostics, input_errors_exit_2, load_all,
                                   result_of, safe_name, output_targets)


@input_errors_exit_2
def draw(paths: list[str], output: str | None = None, fmt: str | None = None, scenario: str | None = None,
         dpi: int | None = None, style: str | None = None, measures: str = "show", show_data: bool = False,
         audit_marks: bool = False, policy_path: str | None = None, page: str = "a4-landscape",
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Render every scenario (or one) of each flow; one file per 資料 tag and page."""

    from piflow.draw.render import dot_path
    from piflow.draw.style import load_style

    out, err = out or sys.stdout, err or sys.stderr
    fmt = choose_format(output, fmt, ("svg", "png", "pdf", "dot"), "svg")
    theme = load_style(style)
    if fmt != "dot":
        dot_path()
    stream = _stream(fmt, dpi)
    try:
        return _draw(paths, output, fmt, scenario, dpi, theme, measures, show_data, audit_marks, policy_path, page,
                     out, err, stream)
    finally:
        if stream is not None:
            stream.stop()  # drawn already, or given up: never a dot left behind


def _stream(fmt: str, dpi: int | None):
    """Graphviz started now, before anything is loaded, to be fed each figure as it is laid out
    (``render.PageStream``); None for DOT output or where dot cannot start (the pages are then drawn
    after the layout, which also says why dot failed)."""
    from piflow.diagnostics import InputError
    from piflow.draw.render import PageStream

    if fmt == "dot":
        return None
    try:
        return PageStream(fmt, dpi, RENDER_ALONE)
    except InputError:
        return None


def _draw(paths, output, fmt, scenario, dpi, theme, measures, show_data, audit_marks, policy_path, page,
          out, err, stream) -> int:
    from piflow.diagnostics import InputError
    from piflow.draw.figure import Options
    from piflow.textnorm import did_you_mean, normalize

    if audit_marks:
        from piflow.audit.engine import audit as run_audit
        from piflow.policy import load_policy

        policy = load_policy(policy_path)
    documents, failed = load_all(paths, err)
    jobs = []
    for doc in documents:
        chosen = list(doc.flow.scenarios)
        if scenario:
            want = normalize(scenario)
            chosen = [s for s in chosen if want in (s.id, normalize(s.tag), normalize(s.tag).removeprefix("資料"))]
            if not chosen:
                names = [s.id for s in doc.flow.scenarios] + [s.tag for s in doc.flow.scenarios]
                print(f"{doc.path}: シナリオ「{scenario}」がありません (no such scenario). "
                      f"{did_you_mean(scenario, names) or '使えるもの: ' + ', '.join(names)}", file=err)
                failed = True
                continue
        findings = run_audit(doc, policy) if audit_marks else None
        jobs += [(doc, sc, findings) for sc in chosen]
    options = [Options(measures=measures, show_data=show_data, findings=findings)  # type: ignore[arg-type]
               for _, _, findings in jobs]
    pages = []
    for (doc, sc, _), (drawn, warning) in zip(jobs, _laid_out(jobs, options, theme, page, err, stream)):
        if warning:
            print(f"{doc.path}: 警告: {warning}", file=err)
        pages += [(doc, sc, fp) for fp in drawn]
    if failed and not pages:  # nothing could be read: the located errors above say why, no more to add
        return exitcodes.BAD_INPUT
    # Names first: two figures bound for one file stop the run before anything is drawn.
    names = [safe_name(sc.tag if fp.count == 1 else f"{sc.tag}_p{fp.number}") for _, sc, fp in pages]
    targets, _ = output_targets(output, names, fmt, [f"{doc.path} [{fp.tag}]" for doc, _, fp in pages])
    figures = [(target, fp, f"{doc.path} [{fp.tag}]") for target, (doc, _, fp) in zip(targets, pages)]
    outputs = Outputs(len(figures), tuple(d.path for d in documents), out, err)
    for target, result, note in _rendered(figures, fmt, dpi, outputs, stream):
        if isinstance(result, InputError):  # Graphviz could not draw this figure; the others are still written
            print_diagnostics(result.diagnostics, err)
            failed = True
        elif not outputs.write(target, result, note):
            return exitcodes.BAD_INPUT
    return exitcodes.BAD_INPUT if failed else exitcodes.OK


MAX_WORKERS = 8  # figures laid out or drawn at once; each takes one core
POOL_STEPS = 150  # fewer steps than this in all: laid out here, sooner than worker processes could start


def _workers(jobs: int) -> int:
    import os

    return min(jobs, max(2, os.cpu_count() or 1), MAX_WORKERS)


def _lay_out(doc, scenario, theme, options, page):
    """One figure's pages (module level, so a worker process can run it)."""
    from piflow.draw.figure import figure_pages

    return figure_pages(doc, scenario, theme, options, page)


def _laid_out(jobs, options, theme, page: str, err, stream=None) -> list:
    """(pages, warning) for every figure, in order, laid out on every core.

    The layout is Python, so it takes processes (threads would share one core).  A big batch
    goes to a pool whose workers start from a clean process (forkserver, or spawn on Windows).
    A small batch (a few figures of a few dozen steps) is laid out here and by a forked copy of
    this process (``piflow.forked``: started in milliseconds, only while no thread runs here),
    since starting the pool would take longer than the layouts.  Where no worker process can
    start (a sandbox, a frozen build), the rest is laid out here.
    """
    from piflow.draw.figure import batch_entries
    from piflow.forked import in_order

    progress = Progress(len(jobs), err, "配置 (layout) ")
    done: list = []
    if _workers(len(jobs)) >= 2 and sum(len(sc.steps) for _, sc, _ in jobs) >= POOL_STEPS:
        if stream is not None:
            stream.stop()  # a big batch: drawn in batches over the cores after the layout
            stream = None
        _laid_out_in_workers(jobs, options, theme, page, err, progress, done)
    rest = list(zip(jobs, options))[len(done):]
    # Figures are laid out here and by a forked copy on the other core (``piflow.forked``), forked
    # before anything here starts a thread; results come in order, the same as made here.
    results = in_order(_lay_out, [(doc, sc, theme, opt, page) for (doc, sc, _), opt in rest])
    try:
        for (doc, sc, _), _opt in rest:
            progress.step(f"{doc.path} [{sc.tag}]")
            done.append(next(results))
            if stream is not None:
                stream.add(batch_entries(done[-1][0]))  # drawn by dot while the next figure is laid out
    finally:
        results.close()  # leaving early: the copy is stopped
    return done


def _laid_out_in_workers(jobs, options, theme, page: str, err, progress, done: list) -> None:
    """Lay out ``jobs`` on worker processes, appending to ``done`` in order; on a pool that cannot start,
    stop and leave the rest to the caller.  multiprocessing is imported here only (5 ms a start)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import util as multiprocessing_util

    from piflow.stopping import worker_start

    try:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        pool = ProcessPoolExecutor(_workers(len(jobs)), multiprocessing.get_context(method),
                                   initializer=worker_start,
                                   initargs=(os.getpid(), multiprocessing_util.get_temp_dir()))
        finished = False
        try:
            futures = [pool.submit(_lay_out, doc, sc, theme, opt, page) for (doc, sc, _), opt in zip(jobs, options)]
            for (doc, sc, _), future in zip(jobs, futures):
                progress.step(f"{doc.path} [{sc.tag}]")
                done.append(result_of(future))
            finished = True
        except KeyboardInterrupt:  # Ctrl+C or SIGTERM: stop the layouts under way, not only those to come
            for child in multiprocessing.active_children():
                child.terminate()
            raise
        finally:
            # All done: join the workers now (left to the exit hook, its wake-up pipe may already be
            # closed: "Exception ignored … Bad file descriptor").  Leaving early: start nothing more.
            pool.shutdown(wait=finished, cancel_futures=True)
    except (BrokenProcessPool, OSError) as exc:
        print(f"並行して配置できないため、1 つずつ配置します (laying out one at a time: {exc})", file=err)
        progress.started = len(done)


RENDER_ALONE = 8  # up to this many pages: one Graphviz process draws them all
RENDER_BATCH = 100  # at most this many pages to one Graphviz process (progress and memory stay even)


def _batches(count: int, workers: int) -> list[range]:
    """Which pages each Graphviz process draws: a few in one process, many split over the cores (each
    page carries its own size in its graph, so PNG and PDF pages batch as SVG pages do)."""
    if count <= RENDER_ALONE:
        size = max(1, count)
    else:
        size = min(RENDER_BATCH, -(-count // max(1, workers)))
    return [range(i, min(count, i + size)) for i in range(0, count, size)]


def _rendered(figures, fmt: str, dpi: int | None, outputs, stream=None):
    """(target, bytes or InputError, note) for each page, in order, each as soon as it and those before are drawn.

    Pages (SVG, PNG or PDF) are drawn many to one Graphviz process (starting dot costs more than drawing a page);
    several processes at once run in threads, so every core is busy (``draw DIR`` on the ward's
    2-core PCs takes about half as long); the files are the same bytes as when drawn one by one.
    Leaving early (Ctrl+C, a file that cannot be written) cancels what has not started and kills
    the dots that have.  A ``stream`` that was fed every page as it was laid out has them drawn already.
    """
    from piflow.draw.figure import render_pages

    pages = [page for _, page, _ in figures]
    if fmt == "dot":
        for target, page, note in figures:
            outputs.working(note)
            yield target, render_pages([page], fmt, dpi)[0], note
        return
    batches = _batches(len(figures), _workers(len(figures)))
    workers = min(_workers(len(figures)), len(batches))
    if workers < 2:
        for batch in batches:
            outputs.working(figures[batch[0]][2])
            drawn = render_pages([pages[i] for i in batch], fmt, dpi, stream)
            for i, result in zip(batch, drawn):
                if i != batch[0]:
                    outputs.working(figures[i][2])
                yield figures[i][0], result, figures[i][2]
        return
    from concurrent.futures import ThreadPoolExecutor, wait

    from piflow.draw.dotrun import stop_all

    pool = ThreadPoolExecutor(workers, thread_name_prefix="dot")
    futures = [pool.submit(render_pages, [pages[i] for i in batch], fmt, dpi) for batch in batches]
    try:
        for batch, future in zip(batches, futures):
            outputs.working(figures[batch[0]][2])
            drawn = result_of(future)
            for i, result in zip(batch, drawn):
                if i != batch[0]:
                    outputs.working(figures[i][2])
                yield figures[i][0], result, figures[i][2]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        running = [f for f in futures if not f.done()]
        while running:  # only when leaving early: stop the dots still drawing, until every thread is done
            stop_all()
            running = list(wait(running, timeout=0.1).not_done)
