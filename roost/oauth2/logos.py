"""Provider logos (SVG), as PocketBase 0.40.6 lists them (`GET /api/collections/meta/oauth2-providers`),
kept in logos.json; `oidc2` and `oidc3` share `oidc`'s."""

from __future__ import annotations

import json
from pathlib import Path

LOGOS: dict[str, str] = json.loads((Path(__file__).parent / "logos.json").read_text(encoding="utf-8"))
LOGOS["oidc2"] = LOGOS["oidc3"] = LOGOS["oidc"]
