"""Serving and wiping the embedded sandbox (`nivosync sandbox serve|reset`)."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from nivosync.app.sandbox_seeding import site_seed
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL, InvalidInput, display_path
from nivosync.inputs.config import Config, is_loopback, load_settings
from nivosync.sandbox import private_dir, reset_db, serve
from nivosync.sandbox.faults import FAULT_KINDS, Faults, FaultSpecError


def parse_fault(text: str) -> dict[str, Any]:
    """KIND[:RATE[:METHOD[:PATH_REGEX]]], e.g. `429:0.2` or `commit-then-reset:0.3:POST:^/rest`."""
    kind, *rest = text.split(":", 3)
    if kind not in FAULT_KINDS:
        raise InvalidInput(f"--fault '{text}': kind must be one of {', '.join(FAULT_KINDS)}")
    rule: dict[str, Any] = {"fault": kind}
    try:
        rule["rate"] = float(rest[0]) if rest and rest[0] else 1.0
    except ValueError:
        raise InvalidInput(f"--fault '{text}': rate must be a number from 0 to 1") from None
    if not 0 <= rule["rate"] <= 1:
        raise InvalidInput(f"--fault '{text}': rate must be a number from 0 to 1")
    if len(rest) > 1 and rest[1]:
        rule["method"] = rest[1].upper()
    if len(rest) > 2 and rest[2]:
        rule["path"] = rest[2]
    return rule


def fault_spec(
    faults: Sequence[str], latency_ms: int, seed: int | None, retry_after: int | None
) -> dict[str, Any] | None:
    rules = [parse_fault(f) for f in faults]
    for rule in rules:
        if rule["fault"] == "429" and retry_after is not None:
            rule["retry_after"] = retry_after
    if not rules and not latency_ms:
        return None
    spec = {"latency_ms": latency_ms, "seed": seed, "rules": rules}
    try:
        Faults().configure(spec)  # the sandbox's own check, before anything starts
    except FaultSpecError as exc:
        raise InvalidInput(f"--fault {' '.join(faults)}: {exc}") from None
    return spec


def check_exposure(host: str, allow_remote: bool) -> None:
    """Serving beyond loopback must be asked for explicitly: the sandbox is a test server."""
    if not is_loopback(host) and not allow_remote:
        raise InvalidInput(
            f"--host {host} is not a loopback address: the sandbox is a plain-HTTP test server "
            "with Basic auth (tokens cross the network readable); pass --allow-remote to serve "
            "it to other machines anyway"
        )


def serve_sandbox(
    config_path: Path | None,
    db: Path | None,
    host: str,
    port: int | None,
    flavor: str | None,
    faults: dict[str, Any] | None,
    out: TextIO,
) -> int:
    config = load_settings(config_path)
    seed, generated = _seed_with_tokens(config)
    if flavor:
        seed = replace(seed, flavor=flavor)
    database = db or config.sandbox_db
    port = config.spec.sandbox.port if port is None else port
    private_dir(database.parent)

    def ready(base_url: str) -> None:
        wiki = "/wiki" if seed.flavor == "cloud" else "/confluence"
        out.write(f"nivosync sandbox ({seed.flavor}) serving {display_path(database)}\n")
        out.write(f"  Jira:       {base_url}\n  Confluence: {base_url}{wiki}\n")
        out.write(f"  Browse:     {base_url}/\n")
        if generated:
            token = next(iter(generated.values()))
            names = " and ".join(f"${name}" for name in generated)
            out.write(
                f"  Log in as {config.spec.jira.user} with the token "
                f"{token}\n  (generated for this run because {names} "
                f"{'is' if len(generated) == 1 else 'are'} not set)\n"
            )
        out.write("Stop with Ctrl-C.\n")
        out.flush()

    if not is_loopback(host):
        out.write(
            f"warning: serving on {host}, reachable from other machines: plain HTTP with Basic "
            "auth, for tests only\n"
        )
    _check_free(host, port)
    try:
        serve(database, seed, host, port, faults, ready)
    except OSError as exc:
        raise InvalidInput(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    out.write("sandbox stopped\n")
    return EXIT_OK


def _seed_with_tokens(config: Config) -> tuple[Any, dict[str, str]]:
    """Admin tokens from the config's token variables; one generated token for unset ones."""
    generated: dict[str, str] = {}
    token = secrets.token_urlsafe(18)
    names = [s.token_env for s in (config.spec.jira, config.spec.confluence) if s is not None]
    for name in names:
        if not os.environ.get(name):
            generated[name] = token
    seed = site_seed(config)
    admins = tuple(replace(admin, token=admin.token or token) for admin in seed.admins)
    users = tuple(replace(u, token=token) if u.token == "" else u for u in seed.users)
    return replace(seed, admins=admins, users=users), generated


def reset_sandbox(
    config_path: Path | None,
    db: Path | None,
    out: TextIO,
    confirm: Callable[[str], bool] = lambda _what: True,
) -> int:
    """Wipe the sandbox's database once `confirm` agrees; say so when there is none."""
    database = db or load_settings(config_path).sandbox_db
    shown = display_path(database)
    if not Path(database).exists():
        out.write(f"nothing to wipe: there is no sandbox data at {shown}\n")
        return EXIT_OK
    if not confirm(f"the sandbox data at {shown} (every issue and page in it)"):
        out.write(f"not wiped: {shown}\n")
        return EXIT_OPERATIONAL
    reset_db(database)
    out.write(f"sandbox data wiped: {shown}\n")
    return EXIT_OK


def _check_free(host: str, port: int) -> None:
    """A busy port is the user's to change: say so plainly (exit 2) before starting."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InvalidInput(
                f"cannot listen on {host}:{port} ({exc.strerror}): stop what uses it, or pick "
                "another port with --port (or sandbox.port in the config)"
            ) from None
