"""Issue 11: a configured release_notes.jql is filled in with quoted values, never raw."""

from __future__ import annotations

import pytest
import yaml

from nivosync.core.jql_template import JqlTemplateError, check_jql_template, fill_jql
from nivosync.errors import InvalidInput
from nivosync.inputs.config import load_config

from .test_config import REPO

VALUES = {"project": "NVX", "release": "2.4.0", "customer": "Acme Health"}


def test_values_become_quoted_jql_strings_so_none_can_break_out():
    evil = {**VALUES, "release": '2.4.0" OR fixVersion = "9.9-globex-confidential'}
    jql = fill_jql("project = {project} AND fixVersion = {release}", evil)
    assert jql == (
        'project = "NVX" AND fixVersion = "2.4.0\\" OR fixVersion = \\"9.9-globex-confidential"'
    )
    assert fill_jql("labels = {customer} ORDER BY key", {**VALUES, "customer": 'a\\"b'}) == (
        'labels = "a\\\\\\"b" ORDER BY key'
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("project = {project.__class__}", "'{project.__class__}' is not a placeholder"),
        ("fixVersion = {}", "'{}' is not a placeholder"),
        ("fixVersion = {version}", "'{version}' is not a placeholder"),
        ("fixVersion = {release!r}", "'{release!r}' is not a placeholder"),
        ("fixVersion = {release:>20}", "'{release:>20}' is not a placeholder"),
        ("fixVersion = {release", "write a literal brace"),
        ('fixVersion = "{release}"', "write {release} without quotes"),
    ],
)
def test_anything_but_the_three_placeholders_is_refused(template, message):
    with pytest.raises(JqlTemplateError, match=None) as caught:
        check_jql_template(template)
    assert message in str(caught.value)


def test_a_literal_brace_is_fine():
    assert fill_jql("text ~ {{x}} AND fixVersion = {release}", VALUES) == (
        'text ~ {x} AND fixVersion = "2.4.0"'
    )


def test_a_bad_template_is_exit_2_when_the_config_is_read(tmp_path):
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["release_notes"] = {"jql": "project = {project.__class__}"}
    path = tmp_path / "nivosync.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InvalidInput) as caught:
        load_config(path)
    assert "release_notes.jql" in str(caught.value.lines())
    assert "'{project.__class__}' is not a placeholder" in str(caught.value.lines())
