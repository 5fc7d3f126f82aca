"""Group names of the channel layer: every one carries the company's schema."""

from __future__ import annotations

import re

_SAFE = re.compile(r"^[a-z0-9_]{1,63}$")


def user_group(schema: str, user_id: int) -> str:
    """The group of one user's open tabs in one company (``crm.<schema>.user.<id>``)."""
    if not _SAFE.match(schema or ""):
        raise ValueError(f"not a schema name: {schema!r}")
    return f"crm.{schema}.user.{int(user_id)}"
