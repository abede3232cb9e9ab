"""One router per area; each is built with the access check (web.access.guarded)."""
