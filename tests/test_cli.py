"""CLI behaviour through typer's runner: exit codes and located messages."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import FLOWS, MINIMAL, write
from piflow import __version__
from piflow.cli import app

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_validate_folder_ok():
    result = runner.invoke(app, ["validate", str(FLOWS)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_validate_bad_file_exit_2_with_location(tmp_path):
    path = write(tmp_path, MINIMAL.replace("to: vendor", "to: vendr"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:24:32: エラー[P201]" in result.output
    assert "vendor" in result.output  # the did-you-mean suggestion


def test_validate_reports_every_file(tmp_path):
    good = write(tmp_path, MINIMAL, "good.yaml")
    bad = write(tmp_path, "piflow: 1\n", "bad.yaml")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 2
    assert "good.yaml: OK" in result.output and "bad.yaml:1:1" in result.output


def test_usage_error_exit_2():
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2


def test_schema_is_json_schema_for_the_format():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["properties"]["piflow"]["const"] == 1
    step = schema["$defs"]["Step"]
    assert "from" in step["properties"] and step["additionalProperties"] is False
    assert "手渡し" in step["properties"]["channel"]["anyOf"][0]["enum"]


def test_schema_accepts_the_shipped_flows():
    import jsonschema
    import yaml

    schema = json.loads(runner.invoke(app, ["schema"]).output)
    for path in FLOWS.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
