"""Hook, TaggedHook and the Event base with `next()`; see the package docstring."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

__all__ = ["Event", "Handler", "Hook", "TaggedHook"]

_ids = itertools.count(1)
log = logging.getLogger("roost.hooks")
# ROOST_TRACE_HOOKS=1 logs every triggered hook with the handlers it runs
TRACE = os.environ.get("ROOST_TRACE_HOOKS", "") not in ("", "0", "false")


class _Step:
    """What `Event.next()` returns: awaiting it runs the rest of the chain. A sync handler
    calls `e.next()` without awaiting; the hook then runs the step once the handler returns."""

    __slots__ = ("fn", "started")

    def __init__(self, fn: Callable[[], Awaitable[None]]) -> None:
        self.fn = fn
        self.started = False

    def __await__(self) -> Generator[Any, None, None]:
        self.started = True
        return self.fn().__await__()


async def _done() -> None:
    return None


class Event:
    """Base of every event. Subclasses are `@dataclass(slots=True)` classes with typed fields."""

    __slots__ = ("_next_fn", "_step")

    def next(self) -> _Step:
        """Run the next handler in the chain (and finally the default action)."""
        fn = getattr(self, "_next_fn", None) or _done
        step = _Step(fn)
        self._step = step
        return step

    def hook_tags(self) -> tuple[str, ...]:
        """Names a tagged hook view matches against (a collection's id and name)."""
        return ()


E = TypeVar("E", bound=Event)
HandlerFunc = Callable[[E], Awaitable[Any] | Any]


class Handler(Generic[E]):
    __slots__ = ("fn", "id", "priority", "tags", "when")

    def __init__(
        self,
        fn: HandlerFunc[E],
        id: str,
        priority: int,
        tags: frozenset[str],
        when: Callable[[E], bool] | None = None,
    ) -> None:
        self.fn = fn
        self.id = id
        self.priority = priority
        self.tags = tags
        self.when = when

    def __repr__(self) -> str:
        return f"Handler(id={self.id!r}, priority={self.priority})"


class Hook(Generic[E]):
    """An ordered list of handlers for one kind of event."""

    __slots__ = ("_handlers", "_selective", "name")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._handlers: tuple[Handler[E], ...] = ()
        self._selective = False  # some handler only sees some events (tags or `_when`)

    # --- binding ------------------------------------------------------------------------------------
    def bind(
        self,
        fn: HandlerFunc[E],
        id: str | None = None,
        priority: int = 0,
        *,
        _tags: frozenset[str] = frozenset(),
        _when: Callable[[E], bool] | None = None,
    ) -> str:
        """Add a handler; returns its id. Binding an existing id replaces that handler.
        Handlers run by ascending priority, then in the order they were bound. (`_when`, for
        built-ins: a test of the event; the handler is left out of chains where it is false, as
        a tagged handler is for other collections, so a handler that only concerns auth records
        costs other writes nothing.)"""
        hid = id or f"__h{next(_ids)}"
        handler = Handler(fn, hid, priority, _tags, _when)
        kept = [h for h in self._handlers if h.id != hid]
        kept.append(handler)
        kept.sort(key=lambda h: h.priority)  # stable: equal priorities keep their binding order
        self._set(kept)
        return hid

    def _set(self, handlers: list[Handler[E]] | tuple[Handler[E], ...]) -> None:
        self._handlers = tuple(handlers)
        self._selective = any(h.tags or h.when is not None for h in handlers)

    def __call__(self, fn: HandlerFunc[E]) -> HandlerFunc[E]:
        """Decorator form of `bind`: `@app.on_record_create()`."""
        self.bind(fn)
        return fn

    def unbind(self, *ids: str) -> None:
        self._set([h for h in self._handlers if h.id not in ids])

    def unbind_all(self) -> None:
        self._set(())

    @property
    def handlers(self) -> tuple[Handler[E], ...]:
        return self._handlers

    def __len__(self) -> int:
        return len(self._handlers)

    def __bool__(self) -> bool:
        return True

    # --- running ------------------------------------------------------------------------------------
    def _chain(self, event: E) -> tuple[Handler[E], ...]:
        """The handlers that see `event`: all of them, less tagged and `_when` handlers that
        do not apply to it."""
        if not self._selective:
            return self._handlers
        tags = event.hook_tags()
        return tuple(
            h
            for h in self._handlers
            if (not h.tags or not h.tags.isdisjoint(tags)) and (h.when is None or h.when(event))
        )

    def applies(self, event: E) -> bool:
        """Whether any handler would run for `event` (else `trigger` runs the default alone)."""
        return bool(self._chain(event))

    async def trigger(self, event: E, default: Callable[[E], Awaitable[Any]] | None = None) -> None:
        """Run the handlers in order, each choosing whether to continue with `next()`; the
        default action runs last, when every handler continued."""
        handlers = self._chain(event)
        if TRACE:
            log.info("hook %s: %s", self.name or "?", [h.id for h in handlers])
        if not handlers:
            if default is not None:
                await default(event)
            return
        saved = getattr(event, "_next_fn", None)
        try:
            await _run(handlers, 0, event, default)
        finally:
            event._next_fn = saved  # type: ignore[attr-defined]


async def _run(
    handlers: tuple[Handler[Any], ...], i: int, event: Any, default: Callable[[Any], Awaitable[Any]] | None
) -> None:
    if i >= len(handlers):
        if default is not None:
            await default(event)
        return
    handler = handlers[i]

    async def rest() -> None:
        await _run(handlers, i + 1, event, default)

    event._next_fn = rest
    event._step = None
    result = handler.fn(event)
    if result is not None and hasattr(result, "__await__"):
        await result
    step = event._step
    if step is not None and not step.started:  # a sync handler called e.next()
        step.started = True
        await step.fn()
    event._step = None


class TaggedHook(Generic[E]):
    """A view of a hook whose handlers only see events with one of `tags` (none: every event)."""

    __slots__ = ("hook", "tags")

    def __init__(self, hook: Hook[E], tags: tuple[str, ...]) -> None:
        self.hook = hook
        self.tags = frozenset(tags)

    def bind(self, fn: HandlerFunc[E], id: str | None = None, priority: int = 0) -> str:
        return self.hook.bind(fn, id, priority, _tags=self.tags)

    def __call__(self, fn: HandlerFunc[E]) -> HandlerFunc[E]:
        self.bind(fn)
        return fn

    def unbind(self, *ids: str) -> None:
        self.hook.unbind(*ids)

    def unbind_all(self) -> None:
        """Remove the handlers bound through views with these tags."""
        self.hook._set([h for h in self.hook._handlers if h.tags != self.tags])

    def __len__(self) -> int:
        return sum(1 for h in self.hook.handlers if not self.tags or h.tags == self.tags)

    async def trigger(self, event: E, default: Callable[[E], Awaitable[Any]] | None = None) -> None:
        await self.hook.trigger(event, default)
