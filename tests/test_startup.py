"""What a command loads and leaves at exit: the start-up goals of issue 26 as behaviour, not timings.

Timings belong to scripts/bench.py; these tests pin the choices that make the start light, each of
which a harmless-looking edit would undo (an import moved to the top of a module, a future import).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOW = ROOT / "flows" / "01-tape-hanyaku-box.yaml"


def _after(argv: list[str], probe: str) -> str:
    """Run ``piflow argv`` in a fresh interpreter as the console script does, then print ``probe``."""
    code = (
        "import gc, sys, io, contextlib\n"
        "from piflow.cli import main\n"
        f"sys.argv = ['piflow', *{argv!r}]\n"
        "out = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(out):\n"
        "        main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print({probe})\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True)
    return done.stdout.strip().splitlines()[-1]


def test_audit_and_checklist_do_not_load_networkx():
    # Lineage is an adjacency walk; networkx (about 90 ms to import) is only for a route a finding names.
    assert _after(["audit", str(FLOW)], "'networkx' in sys.modules") == "False"
    assert _after(["checklist", str(FLOW), "-o", "-", "-f", "csv"], "'networkx' in sys.modules") == "False"


def test_a_finding_that_names_a_route_loads_networkx(tmp_path):
    import yaml
    from test_rules import BASE  # the rule cases' base flow

    case = yaml.safe_load((ROOT / "tests" / "rules" / "G201.yaml").read_text(encoding="utf-8"))["cases"][0]["flow"]
    path = tmp_path / "g201.yaml"
    path.write_text(yaml.safe_dump({**BASE, **case}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _after(["audit", str(path)], "'networkx' in sys.modules") == "True"


def test_the_command_line_freezes_the_heap_before_python_shuts_down():
    assert _after(["--version"], "gc.get_freeze_count() > 0") == "True"


def test_the_command_line_module_keeps_its_annotations_evaluated():
    # typer reads them at every start; as strings (a future import) each is compiled again.
    import ast

    tree = ast.parse((ROOT / "src" / "piflow" / "cli.py").read_text(encoding="utf-8"))
    future = [a.name for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__" for a in n.names]
    assert "annotations" not in future


def test_draw_loads_neither_the_audit_nor_the_diff(tmp_path):
    # The figure finds a step's marks by its keys (piflow.stepkeys), not through the modules that report them.
    probe = "sorted(m for m in sys.modules if m == 'piflow.diff' or m.startswith('piflow.audit'))"
    assert _after(["draw", str(FLOW), "-o", str(tmp_path), "-f", "dot"], probe) == "[]"
