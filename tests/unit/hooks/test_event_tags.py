"""Every event about a collection answers tagged hook views (`app.on_x("posts")`) with that
collection: a class that forgets `hook_tags` would silently run no tagged handler."""

from __future__ import annotations

import dataclasses
import inspect

from roost.core import events
from roost.hooks import Event


def test_events_with_a_collection_define_their_tags() -> None:
    missing = []
    for name, cls in inspect.getmembers(events, inspect.isclass):
        if not issubclass(cls, Event) or not dataclasses.is_dataclass(cls):
            continue
        if "collection" in {f.name for f in dataclasses.fields(cls)} and cls.hook_tags is Event.hook_tags:
            missing.append(name)
    assert missing == []
