"""Command-line entry point (thin: parse options, call one command function, render, exit)."""

from __future__ import annotations

import click

from nivosync import __version__


@click.group()
@click.version_option(__version__, prog_name="nivosync")
def main() -> None:
    """Turn a customer release plan into Jira and Confluence, and keep it honest."""
