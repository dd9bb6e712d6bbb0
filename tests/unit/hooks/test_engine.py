"""The hook engine on its own: order, priorities, ids, tags, sync handlers, stopping the chain."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from roost.hooks import Event, Hook, TaggedHook

pytestmark = pytest.mark.anyio


@dataclass(slots=True)
class Ev(Event):
    tag: str = ""
    seen: list[str] = field(default_factory=list)

    def hook_tags(self) -> tuple[str, ...]:
        return (self.tag,)


async def test_handlers_wrap_the_default_action_in_priority_order() -> None:
    hook: Hook[Ev] = Hook()

    async def outer(e: Ev) -> None:
        e.seen.append("outer before")
        await e.next()
        e.seen.append("outer after")

    async def inner(e: Ev) -> None:
        e.seen.append("inner")
        await e.next()

    hook.bind(inner, priority=5)
    hook.bind(outer, priority=-5)
    ev = Ev()

    async def default(e: Ev) -> None:
        e.seen.append("default")

    await hook.trigger(ev, default)
    assert ev.seen == ["outer before", "inner", "default", "outer after"]


async def test_not_calling_next_stops_the_chain() -> None:
    hook: Hook[Ev] = Hook()
    hook.bind(lambda e: e.seen.append("stop"))
    ev = Ev()

    async def default(e: Ev) -> None:
        e.seen.append("default")

    await hook.trigger(ev, default)
    assert ev.seen == ["stop"]


async def test_a_sync_handler_continues_with_e_next() -> None:
    hook: Hook[Ev] = Hook()

    def sync(e: Ev) -> None:
        e.seen.append("sync")
        e.next()

    hook.bind(sync)
    ev = Ev()

    async def default(e: Ev) -> None:
        e.seen.append("default")

    await hook.trigger(ev, default)
    assert ev.seen == ["sync", "default"]


async def test_ids_replace_and_unbind() -> None:
    hook: Hook[Ev] = Hook()

    async def a(e: Ev) -> None:
        e.seen.append("a")
        await e.next()

    async def b(e: Ev) -> None:
        e.seen.append("b")
        await e.next()

    assert hook.bind(a, id="x") == "x"
    hook.bind(b, id="x")  # same id: replaces
    ev = Ev()
    await hook.trigger(ev)
    assert ev.seen == ["b"]
    hook.unbind("x")
    assert len(hook) == 0


async def test_tagged_views_only_see_their_events() -> None:
    hook: Hook[Ev] = Hook()
    posts = TaggedHook(hook, ("posts",))

    @posts
    async def only_posts(e: Ev) -> None:
        e.seen.append("posts")
        await e.next()

    other, mine = Ev(tag="users"), Ev(tag="posts")
    await hook.trigger(other)
    await hook.trigger(mine)
    assert other.seen == [] and mine.seen == ["posts"]


async def test_applies_tells_whether_any_handler_sees_an_event() -> None:
    hook: Hook[Ev] = Hook()
    assert not hook.applies(Ev(tag="posts"))
    posts = TaggedHook(hook, ("posts",))
    posts.bind(lambda e: e.next())
    hook.bind(lambda e: e.next(), _when=lambda e: e.tag == "users")
    assert hook.applies(Ev(tag="posts")) and hook.applies(Ev(tag="users"))
    assert not hook.applies(Ev(tag="comments"))
    hook.bind(lambda e: e.next())  # untagged: sees every event
    assert hook.applies(Ev(tag="comments"))


async def test_a_when_test_leaves_a_handler_out_of_other_events_chains() -> None:
    hook: Hook[Ev] = Hook()
    seen_by_test: list[str] = []

    def about_users(e: Ev) -> bool:
        seen_by_test.append(e.tag)
        return e.tag == "users"

    async def users_only(e: Ev) -> None:
        e.seen.append("users only")
        await e.next()

    async def everyone(e: Ev) -> None:
        e.seen.append("everyone")
        await e.next()

    hook.bind(users_only, id="u", priority=1, _when=about_users)
    hook.bind(everyone, priority=2)
    posts, users = Ev(tag="posts"), Ev(tag="users")

    async def default(e: Ev) -> None:
        e.seen.append("default")

    await hook.trigger(posts, default)
    await hook.trigger(users, default)
    assert posts.seen == ["everyone", "default"]
    assert users.seen == ["users only", "everyone", "default"]
    assert seen_by_test == ["posts", "users"]  # asked once per trigger
    hook.unbind("u")
    await hook.trigger(users2 := Ev(tag="users"), default)
    assert users2.seen == ["everyone", "default"] and seen_by_test == ["posts", "users"]


async def test_errors_propagate_to_the_caller() -> None:
    hook: Hook[Ev] = Hook()

    async def fail(e: Ev) -> None:
        raise ValueError("no")

    hook.bind(fail)
    with pytest.raises(ValueError):
        await hook.trigger(Ev())


async def test_trace_logs_every_trigger(monkeypatch, caplog) -> None:
    from roost.hooks import engine

    monkeypatch.setattr(engine, "TRACE", True)
    hook: Hook[Ev] = Hook("record_create")
    hook.bind(lambda e: e.next(), id="mine")
    with caplog.at_level("INFO", logger="roost.hooks"):
        await hook.trigger(Ev())
    assert "hook record_create: ['mine']" in caplog.text
