"""Pure core: calendar, template model, plan, identity, baseline, reconcile, slippage, pages.

No I/O and no network: imports only nivosync.core and nivosync.errors (tested without HTTP)."""
