"""Python's cyclic garbage collector, set for a long-running server once the app has started.

With CPython's defaults (a young collection every 700 net new container objects) a busy worker
spent 10-17% of its event loop in the collector under concurrent writes: every request in flight
holds its dicts, frames and futures, so young collections came every few requests and each one
walked all of them, and the full collections walked every module, class and cached schema object
as well. Most of a request's garbage is freed by reference counting; the collector is only
needed for cycles, which the request path rarely makes.

So, once startup is over:
- everything alive then (modules, the app, its caches) is moved out of the collector's reach
  with `gc.freeze()`: it lives as long as the process, and full collections stop walking it;
- a young collection waits for 20,000 net new container objects instead of 700. Objects that a
  request frees again never count towards it, so under steady load it runs rarely, while garbage
  that does pile up (cycles) is still collected once it reaches that many objects.

A threshold set by the app itself (a hook file calling `gc.set_threshold`) is left as it is."""

from __future__ import annotations

import gc

PYTHON_DEFAULT = (700, 10, 10)
SERVING_THRESHOLD = (20_000, 10, 10)


def tune_for_serving() -> None:
    """Freeze what startup left alive and raise the young generation's threshold (see above).
    Call once per worker process, after the app and its hook files have loaded."""
    gc.collect()  # startup's own garbage goes now, not into the frozen generation
    gc.freeze()
    if gc.get_threshold() == PYTHON_DEFAULT:
        gc.set_threshold(*SERVING_THRESHOLD)
