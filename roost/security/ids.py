from __future__ import annotations

import os

LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def random_string(length: int, alphabet: str = ALNUM) -> str:
    """`length` characters drawn uniformly from `alphabet` with the OS's CSPRNG.

    One `os.urandom` call per string rather than one per character (`secrets.choice` costs a
    system call each): bytes at or above the largest multiple of the alphabet's size are
    rejected, so every character stays equally likely."""
    size = len(alphabet)
    if not 0 < size <= 256:
        raise ValueError("the alphabet must have 1 to 256 characters")
    limit = 256 - 256 % size
    chars: list[str] = []
    while len(chars) < length:
        # twice the bytes needed: one refill is already unlikely (36 symbols reject 1 byte in 64)
        chars.extend(alphabet[b % size] for b in os.urandom(2 * (length - len(chars))) if b < limit)
    return "".join(chars[:length])


def random_id() -> str:
    """A PocketBase record id: 15 characters of [a-z0-9]."""
    return random_string(15, LOWER_ALNUM)
