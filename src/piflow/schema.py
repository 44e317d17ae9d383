"""The JSON Schema of the flow format, for editors (yaml-language-server)."""

from __future__ import annotations

import json

from piflow import __version__
from piflow.model import Flow


def flow_json_schema() -> str:
    schema = Flow.model_json_schema(by_alias=True, mode="validation")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://piflow.invalid/schema/flow-v1-{__version__}.json",
        "title": "piflow flow file (format 1)",
        **schema,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
