"""Process exit codes (documented in README.md and docs/errors.md)."""

OK = 0  # valid input, no findings at or above --fail-on
FINDINGS = 1  # audit found problems at or above --fail-on
BAD_INPUT = 2  # invalid flow file, bad usage, or Graphviz missing or failing
