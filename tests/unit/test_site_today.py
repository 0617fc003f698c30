"""What "today" is (`site_clock.today_in`): the embedded sandbox's clock for a config on it, the
machine's for a real site."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from nivosync.app.sandbox_seeding import site_seed
from nivosync.app.site_clock import today_in
from nivosync.inputs.config import load_config
from nivosync.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]


def config_at(tmp_path: Path, url: str, timezone: str = "UTC") -> Path:
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["jira"]["url"] = url
    data["confluence"]["url"] = "sandbox" if url == "sandbox" else url + "/wiki"
    data["sandbox"]["db"] = str(tmp_path / "sandbox.db")
    data["timezone"] = timezone
    path = (
        tmp_path / f"{timezone.replace('/', '-')}-{'embedded' if url == 'sandbox' else 'real'}.yaml"
    )
    path.write_text(yaml.safe_dump(data))
    return path


def freeze(tmp_path: Path, moment: datetime) -> None:
    config = load_config(config_at(tmp_path, "sandbox"))
    with Sandbox.start(config.sandbox_db, site_seed(config, "t")) as sandbox:
        sandbox.clock.set(moment)


def test_the_embedded_sandbox_is_on_its_own_day(tmp_path: Path) -> None:
    embedded = load_config(config_at(tmp_path, "sandbox"))
    assert today_in(embedded) == datetime.now(UTC).date()  # no sandbox yet: real time
    freeze(tmp_path, datetime(2026, 12, 16, 23, 30, tzinfo=UTC))
    assert today_in(embedded) == date(2026, 12, 16)
    berlin = load_config(config_at(tmp_path, "sandbox", "Europe/Berlin"))
    assert today_in(berlin) == date(2026, 12, 17)  # 00:30 there: the config's timezone counts


def test_a_real_site_keeps_the_machines_date(tmp_path: Path) -> None:
    freeze(tmp_path, datetime(2030, 1, 1, 12, tzinfo=UTC))
    real = load_config(config_at(tmp_path, "https://acme.atlassian.net", "Europe/Berlin"))
    assert today_in(real) == datetime.now(ZoneInfo("Europe/Berlin")).date()
