"""Use cases (create, publish, sync, plan, validate, sandbox) and site wiring.

The only code that holds a gateway; orchestration, no formatting. Imports core, inputs, render,
the gateways and http; never commands or views."""
