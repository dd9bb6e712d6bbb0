"""bcrypt password hashes, compatible with PocketBase's `$2a$10$...`.

Hashing costs ~60 ms of CPU, so both calls run in a worker thread (bcrypt releases the GIL)
to keep the event loop serving other requests meanwhile."""

from __future__ import annotations

import asyncio

import bcrypt

DEFAULT_COST = 10


def _hash(password: str, cost: int) -> str:
    # `$2a$` is what PocketBase (Go's x/crypto/bcrypt) writes; the algorithm is the same.
    hashed = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=cost, prefix=b"2a"))
    return hashed.decode()


def _check(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode()[:72], hashed.encode())
    except ValueError:
        return False


async def hash_password(password: str, cost: int = DEFAULT_COST) -> str:
    return await asyncio.to_thread(_hash, password, cost or DEFAULT_COST)


async def check_password(password: str, hashed: str) -> bool:
    if not hashed:
        return False
    return await asyncio.to_thread(_check, password, hashed)


def hash_password_sync(password: str, cost: int = DEFAULT_COST) -> str:
    return _hash(password, cost or DEFAULT_COST)
