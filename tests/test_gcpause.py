import gc

import pytest

from piflow.gcpause import gc_paused


def test_collector_is_off_inside_and_restored_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested use keeps it off and does not turn it on early
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_error_and_left_off_if_it_was_off():
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_loading_and_auditing_leave_the_collector_on(tmp_path):
    from conftest import MINIMAL, write

    from piflow.audit.engine import audit
    from piflow.loader import load

    audit(load(write(tmp_path, MINIMAL)))
    assert gc.isenabled()


def test_a_figure_is_laid_out_with_the_collector_paused(tmp_path, monkeypatch):
    """Laying out a long figure makes many small objects without cycles: the collector waits until
    the figure is done (a fifth of a 10,000-step layout was spent in it), then is on again."""
    from conftest import MINIMAL, write

    from piflow.draw.style import load_style
    from piflow.layout import fit
    from piflow.loader import load

    seen = []
    made = fit.figure_content
    monkeypatch.setattr(fit, "figure_content", lambda *a, **k: seen.append(gc.isenabled()) or made(*a, **k))
    doc = load(write(tmp_path, MINIMAL))
    assert fit.lay_out(doc.flow, doc.flow.scenarios[0], load_style(None)).pages
    assert seen == [False] and gc.isenabled()
