"""What each CLI command does, as plain functions returning an exit code; one module per command.

The typer layer (``piflow.cli``) only parses arguments and calls these; keeping
the work here lets tests call it directly and keeps the CLI free of logic.
Heavy modules (pydantic models, networkx, graphviz) are imported inside the
functions that need them so ``piflow --help`` starts fast.
"""
