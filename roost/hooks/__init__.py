"""A small hook engine: typed events passed down a chain of handlers.

    hook = Hook[MyEvent]()
    hook.bind(handler, id="audit", priority=-10)   # lower priority runs first
    await hook.trigger(event, default_action)      # handlers, then default_action

A handler receives the event and runs code before and after `await e.next()`; not calling
`next()` stops the chain, so the default action (the innermost handler) never runs. Handlers
may be plain functions: a sync handler that calls `e.next()` (without `await`) continues the
chain when it returns. `TaggedHook` is a view of a hook that only calls its handlers for
events carrying one of its tags (a collection's name or id). Stdlib only.
"""

from roost.hooks.engine import Event, Handler, Hook, TaggedHook

__all__ = ["Event", "Handler", "Hook", "TaggedHook"]
