from __future__ import annotations

import secrets

LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def random_string(length: int, alphabet: str = ALNUM) -> str:
    choice = secrets.choice
    return "".join(choice(alphabet) for _ in range(length))


def random_id() -> str:
    """A PocketBase record id: 15 characters of [a-z0-9]."""
    return random_string(15, LOWER_ALNUM)
