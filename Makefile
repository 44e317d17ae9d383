# The two commands of the README.  Each installs what is missing first.
.PHONY: demo test setup bench

setup:
	@scripts/setup.sh

# The main job on the example flows: validate (and, as they land, audit/draw).
demo: setup
	@scripts/demo.sh

# The whole test suite.
test: setup
	.venv/bin/python -m pytest -q

# Benchmark, on demand (prints ratios; results in docs/performance.md).
bench: setup
	.venv/bin/python -m pip install -q -e '.[bench]'
	.venv/bin/python scripts/bench.py
