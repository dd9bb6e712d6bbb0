#!/usr/bin/env python3
"""Write the generated part of docs/hooks.md from roost/core/hooks.py (the catalogue) and
roost/core/events.py, so the docs cannot drift: `python scripts/hooks_doc.py` rewrites it,
`--check` fails when it is out of date (tests/public/test_docs.py runs the check)."""

from __future__ import annotations

import dataclasses
import inspect
import os
import sys
import typing

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from roost.core import events  # noqa: E402
from roost.core.hooks import HookCatalogue, HookSet  # noqa: E402

DOC = os.path.join(ROOT, "docs", "hooks.md")
BEGIN = "<!-- BEGIN GENERATED: scripts/hooks_doc.py -->"
END = "<!-- END GENERATED -->"


def _event_of(name: str) -> str:
    hint = typing.get_type_hints(HookSet)[name]
    return typing.get_args(hint)[0].__name__


def _tags(name: str) -> bool:
    return "tags" in inspect.signature(getattr(HookCatalogue, f"on_{name}")).parameters


def generated() -> str:
    lines = [BEGIN, ""]
    for name in HookSet.names():
        method = getattr(HookCatalogue, f"on_{name}")
        doc = " ".join(line.strip() for line in (method.__doc__ or "").strip().splitlines())
        call = f"app.on_{name}(*tags)" if _tags(name) else f"app.on_{name}()"
        lines += [f"### `on_{name}`", "", f"`{call}` → handlers receive `{_event_of(name)}`.", "", doc, ""]
    lines += ["## Events", ""]
    for cls_name in events.__all__:
        cls = getattr(events, cls_name)
        fields = [f.name for f in dataclasses.fields(cls)]
        props = [n for n, v in vars(cls).items() if isinstance(v, property) and not n.startswith("_")]
        base = cls.__mro__[1].__name__
        extra = f" (a `{base}`)" if base not in ("Event", "object") else ""
        doc = " ".join(line.strip() for line in (cls.__doc__ or "").strip().splitlines())
        if doc.startswith(cls_name + "("):
            doc = ""
        listed = ", ".join(f"`{n}`" for n in fields + props)
        lines += [f"- **`{cls_name}`**{extra}: {listed}." + (f" {doc}" if doc else "")]
    lines += ["", END]
    return "\n".join(lines)


def main() -> int:
    with open(DOC) as fh:
        text = fh.read()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    new = head + generated() + tail
    if "--check" in sys.argv:
        if new != text:
            print("docs/hooks.md is out of date: run python scripts/hooks_doc.py", file=sys.stderr)
            return 1
        return 0
    with open(DOC, "w") as fh:
        fh.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
