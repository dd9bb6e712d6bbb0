"""Group commit on SQLite's one writer connection.

Write transactions still run one at a time on the writer, and only its caller sees the error
of a failing one: a write that joins an open group runs inside a SAVEPOINT and rolls back to it;
the write that opened the group rolls back the whole transaction, which holds only it. While
other requests are in flight, a write that ends does not commit: the group's transaction stays
open until the event loop has run the tasks that were ready meanwhile, and the writes among them
(or queued for the writer) join it, so one COMMIT, one write of the changed pages to the WAL,
serves the whole group. A group that is full, or old because a member was slow, commits at
once, and so does a write with nothing else under way. Each caller leaves `member()` only once
the COMMIT that holds its write has returned, so a write is acknowledged only when it is as
durable as a transaction of its own would have been; if that COMMIT fails, every member of the
group gets the error and none of their writes is visible.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from time import perf_counter
from types import TracebackType
from typing import Generic, TypeVar

import apsw

from roost.db.errors import DatabaseError
from roost.db.stats import Timings

MAX_GROUP = 64  # writes per COMMIT at most: bounds how long the first of a group waits
MAX_GROUP_AGE = 0.05  # seconds: a group this old commits without waiting for more members
# how long a write waits for another process's write lock before "database is locked" (SQLite's
# busy timeout on every connection), and how often it tries meanwhile (doubling up to the most)
BUSY_TIMEOUT = 10.0
BUSY_POLL_FIRST = 0.0002
BUSY_POLL_MAX = 0.002
_SAVEPOINT = "roost_write"
# Groups open in this process. Two writers on one file in one event loop (several apps opened
# on one folder) would otherwise deadlock: the second BEGIN IMMEDIATE waits on SQLite's lock,
# holding up the loop turn in which the first would commit.
_OPEN: set[GroupCommit] = set()
T = TypeVar("T")


class _Group:
    """The writes in one open transaction, each waiting for its COMMIT."""

    __slots__ = ("members", "opened")

    def __init__(self) -> None:
        self.opened = perf_counter()
        self.members: list[asyncio.Future[None]] = []

    def settle(self, error: BaseException | None) -> None:
        for fut in self.members:
            if fut.done():
                continue
            if error is None:
                fut.set_result(None)
            else:
                fut.set_exception(error)


class GroupCommit:
    """The writer's lock and its open group; `conn()` gives the current writer connection (a
    restored backup replaces it)."""

    def __init__(
        self, conn: Callable[[], apsw.Connection], translate: Callable[[Exception], Exception]
    ) -> None:
        self.conn = conn
        self.translate = translate
        self.lock = asyncio.Lock()
        # how long writes waited for the writer connection: for this process's other writes, and
        # for another process's write lock (another worker's open group, the CLI)
        self.wait = Timings()
        self.commits = 0  # COMMITs run, and the writes they held (for tests and tuning)
        self.writes = 0
        self._group: _Group | None = None
        self._queued = 0
        self._commit_due = False  # a _commit_if_idle is scheduled
        # whether other work is under way that may write (the app says: other requests in
        # flight); when not, waiting a turn of the loop for company would only cost the write
        self.others_active: Callable[[], bool] = lambda: True

    async def _acquire(self, observe: bool = True) -> float:
        """Take the writer's lock; returns when the wait started (`observe`: count it now)."""
        started = perf_counter()
        self._queued += 1
        try:
            await self.lock.acquire()
        finally:
            self._queued -= 1
        if observe:
            self.wait.observe(perf_counter() - started)
        return started

    def member(self, value: T) -> _Membership[T]:
        """One write transaction, entered with `async with`, which gives `value`: its body runs
        inside a savepoint of the group's transaction; leaving returns once that transaction
        committed, or raises the error that undid it."""
        return _Membership(self, value)

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[apsw.Connection]:
        """The writer alone, with no group open (backups, upkeep, the SQL console)."""
        await self._acquire()
        try:
            if self._group is not None:
                self._commit()
            yield self.conn()
        finally:
            self.lock.release()

    async def _open(self) -> _Group:
        group = self._group
        if group is None:
            for other in [g for g in _OPEN if g is not self and not g.lock.locked()]:
                other._commit()
            await self._begin()
            group = self._group = _Group()
            _OPEN.add(self)
        return group

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE. While another process holds the database's write lock (another worker's
        open group, the CLI), wait for it on the event loop instead of in SQLite's busy handler,
        which would stall every request of this process, reads included, for as long."""
        conn = self.conn()
        deadline = perf_counter() + BUSY_TIMEOUT
        delay = BUSY_POLL_FIRST
        while True:
            conn.setbusytimeout(0)
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except apsw.BusyError as exc:
                if perf_counter() + delay > deadline:
                    raise self.translate(exc) from None
            except apsw.Error as exc:
                raise self.translate(exc) from None
            finally:
                conn.setbusytimeout(int(BUSY_TIMEOUT * 1000))
            await asyncio.sleep(delay)
            delay = min(delay * 2, BUSY_POLL_MAX)

    def _undo(self, conn: apsw.Connection, group: _Group, first: bool) -> None:
        if conn.getautocommit():
            # SQLite itself rolled the whole transaction back (disk full, I/O error): the
            # members before this one are lost with it
            self._group = None
            _OPEN.discard(self)
            group.settle(DatabaseError("the write transaction was rolled back by the database"))
            return
        if first:  # the transaction holds this write alone
            self._group = None
            _OPEN.discard(self)
            conn.execute("ROLLBACK")
            return
        try:
            conn.execute(f"ROLLBACK TO {_SAVEPOINT}")
            conn.execute(f"RELEASE {_SAVEPOINT}")
        except apsw.Error as exc:
            # the failed write cannot be undone alone: undo the whole group rather than commit it
            self._group = None
            _OPEN.discard(self)
            conn.execute("ROLLBACK")
            group.settle(self.translate(exc))

    def _end_turn(self) -> None:
        """Pass the writer on; the group commits once it is full, or old because a member was
        slow, or when nothing else is under way, else when the event loop has run what is ready
        now.

        A write's SQL runs on the loop without yielding, so writes never queue for the writer
        by themselves: the COMMIT waits for the loop's next turn instead, and the writes of the
        requests already ready to run (under load, many) join the transaction meanwhile."""
        group = self._group
        if group is not None and (
            len(group.members) >= MAX_GROUP
            or perf_counter() - group.opened > MAX_GROUP_AGE
            or not (self._queued or self.others_active())
        ):
            self._commit()
        self.lock.release()
        if self._group is not None and not self._commit_due:
            self._commit_due = True
            asyncio.get_running_loop().call_soon(self._commit_if_idle)

    def _commit_if_idle(self) -> None:
        self._commit_due = False
        if self._group is None:
            return
        if self.lock.locked() or self._queued:
            # a member is running (it awaited mid-write) or waits: the last of them commits
            return
        self._commit()

    def _commit(self) -> None:
        group, self._group = self._group, None
        assert group is not None
        _OPEN.discard(self)
        conn = self.conn()
        error: BaseException | None = None
        try:
            conn.execute("COMMIT")
        except apsw.Error as exc:
            error = self.translate(exc)
            if not conn.getautocommit():
                conn.execute("ROLLBACK")
        self.commits += 1
        self.writes += len(group.members)
        group.settle(error)


class _Membership(Generic[T]):
    """`GroupCommit.member()`. A class rather than a generator-based context manager: every
    write passes through it, and a generator costs several times more to enter and leave."""

    __slots__ = ("conn", "first", "group", "value", "writes")

    def __init__(self, writes: GroupCommit, value: T) -> None:
        self.writes = writes
        self.value = value

    async def __aenter__(self) -> T:
        writes = self.writes
        started = await writes._acquire(observe=False)
        try:
            # the write that opens the group needs no savepoint: undoing it is undoing the
            # transaction (two statements fewer for every write that nobody joins)
            self.first = writes._group is None
            self.group = await writes._open()
            writes.wait.observe(perf_counter() - started)  # the other process's lock included
            self.conn = writes.conn()
            if not self.first:
                self.conn.execute(f"SAVEPOINT {_SAVEPOINT}")
        except BaseException:
            writes._end_turn()
            raise
        return self.value

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        writes = self.writes
        try:
            if exc_type is not None:
                writes._undo(self.conn, self.group, self.first)
                return False  # the body's error goes on to the caller
            if not self.first:
                try:
                    self.conn.execute(f"RELEASE {_SAVEPOINT}")
                except apsw.Error as error:
                    writes._undo(self.conn, self.group, self.first)
                    raise writes.translate(error) from None
            committed = asyncio.get_running_loop().create_future()
            self.group.members.append(committed)
        finally:
            writes._end_turn()
        await _outcome(committed)
        return False


async def _outcome(committed: asyncio.Future[None]) -> None:
    """Wait for the group's COMMIT. A caller cancelled meanwhile still learns the outcome first,
    so it never reports a committed write as undone (its files would be removed)."""
    try:
        await asyncio.shield(committed)
    except asyncio.CancelledError:
        if not committed.done():
            await asyncio.wait([committed])
        raise
