"""The scheduling examples under deploy/ all run the same, documented command."""

from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
EXAMPLES = [
    "crontab",
    "systemd/nivosync-sync.service",
    "github-actions/nivosync-sync.yml",
    "kubernetes/cronjob.yaml",
]


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_runs_sync_all_with_json_logs(name):
    text = " ".join((DEPLOY / name).read_text().split())
    assert "--log-format json sync --all" in text
    assert "TOKEN=" not in text.replace("TOKEN=…", "")  # no secret values, only placeholders


@pytest.mark.parametrize("name", ["github-actions/nivosync-sync.yml", "kubernetes/cronjob.yaml"])
def test_yaml_examples_parse(name):
    assert yaml.safe_load((DEPLOY / name).read_text())
