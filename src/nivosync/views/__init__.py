"""What the user reads: terminal text, tables and the --json shapes of each command.

May import app result types, core and inputs; never a gateway, http or command."""
