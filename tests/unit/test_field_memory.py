"""Issue 15: the custom field ids one run found, kept for the next run on this machine."""

import os
from pathlib import Path

import pytest
import yaml

from nivosync.app.field_memory import remember_fields, remembered_fields
from nivosync.inputs.config import Config, load_config
from nivosync.jira.models import CustomFields
from nivosync.machine_cache import CACHE_DIR_ENV

REPO = Path(__file__).resolve().parents[2]


def config_for(
    tmp_path: Path, project: str = "NVX", url: str = "https://a.atlassian.net"
) -> Config:
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["jira"]["url"] = url
    data["jira"]["project"] = project
    path = tmp_path / f"{project}-{len(url)}.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_config(path)


def test_fields_are_kept_per_site_and_project(tmp_path):
    ours = config_for(tmp_path)
    assert remembered_fields(ours) is None  # nothing kept yet: no early search
    remember_fields(ours, CustomFields("customfield_10015", None))
    assert remembered_fields(ours) == CustomFields("customfield_10015", None)
    assert remembered_fields(config_for(tmp_path, project="OPS")) is None
    assert remembered_fields(config_for(tmp_path, url="https://b.example.net")) is None
    remember_fields(ours, CustomFields("customfield_20000", "customfield_10101"))
    assert remembered_fields(ours) == CustomFields("customfield_20000", "customfield_10101")
    folder = Path(os.environ[CACHE_DIR_ENV])
    kept = list(folder.glob("jira-fields-*"))
    assert len(kept) == 1 and not list(folder.glob(".*"))  # no temporary left
    assert "acme" not in kept[0].read_text() and "token" not in kept[0].read_text()


@pytest.mark.parametrize(
    "text", ["", "{", "[1, 2]", '{"start_field": 7}', '{"epic_link_field": ["x"]}']
)
def test_a_damaged_file_is_no_hint(tmp_path, text: str):
    config = config_for(tmp_path)
    remember_fields(config, CustomFields("customfield_10015", None))
    (kept,) = Path(os.environ[CACHE_DIR_ENV]).glob("jira-fields-*")
    kept.write_text(text)
    assert remembered_fields(config) is None


def test_a_cache_path_that_is_a_file_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker))
    config = config_for(tmp_path)
    remember_fields(config, CustomFields("customfield_10015", None))  # no exception
    assert remembered_fields(config) is None


def test_the_cache_defaults_to_the_users_cache_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    config = config_for(tmp_path)
    remember_fields(config, CustomFields("customfield_10015", None))
    assert len(list((tmp_path / "xdg" / "nivosync").glob("jira-fields-*"))) == 1


def test_without_a_home_nothing_is_kept_anywhere(tmp_path, monkeypatch):
    """No $HOME and no cache directory configured (a bare container): `~` cannot be expanded,
    and a relative path would put the cache in whatever folder the run started in."""
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # as with no home at all
    monkeypatch.chdir(tmp_path)
    config = config_for(tmp_path)
    remember_fields(config, CustomFields("customfield_10015", None))
    assert remembered_fields(config) is None
    assert not (tmp_path / "~").exists()
