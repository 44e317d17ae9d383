# The two commands of the README.  Each installs what is missing first, exactly as uv.lock pins it.
.PHONY: demo test setup bench lock test-latest mutate data

setup:
	@scripts/setup.sh

# The main job on the example flows: validate, audit and draw them into out/.
demo: setup
	@scripts/demo.sh

# The whole test suite.
test: setup
	.venv/bin/python -m pytest -q

# Benchmark, on demand (prints ratios; results in docs/performance.md).
bench:
	@PIFLOW_EXTRAS="test bench" scripts/setup.sh
	.venv/bin/python scripts/bench.py

# After editing the dependencies in pyproject.toml: re-resolve uv.lock and export requirements/lock.txt.
# `make lock UPGRADE=1` moves every pin to the newest version pyproject.toml allows.
lock: setup
	.tools/bin/uv lock $(if $(UPGRADE),--upgrade,)
	.tools/bin/uv export -q --frozen --all-extras --no-emit-project -o requirements/lock.txt

# Not in CI: the newest versions pyproject.toml allows, in .venv-latest, to see a coming break before it lands.
test-latest: setup
	@scripts/test-latest.sh

# Mutation testing of the audit code (rules with their decorated check functions, engine, facts): one
# small change at a time, the audit tests against each, then the survivors and the kill ratio.
# Standard library only (scripts/mutate.py; POSIX fork).  `make mutate ONLY="g230 engine"` limits it to
# the modules whose path contains a word; MIN=90 fails below that ratio.  See docs/testing.md.
mutate: setup
	.venv/bin/python scripts/mutate.py $(foreach o,$(ONLY),--only $(o)) --min $(or $(MIN),0)

# After editing src/piflow/data/*.yaml: write their JSON twins (read at start-up instead of parsing the YAML).
data: setup
	.venv/bin/python scripts/compile_data.py
