"""One module per command: call one app use case, render it with a view, return the exit code.

Click parses the options in cli.py; no command imports another command."""
