from __future__ import annotations

import functools
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
    table = _byte_tables(alphabet)
    if table is not None:  # a one-byte alphabet (every id, token and secret): done in C
        mapping, rejected = table
        out = b""
        while len(out) < length:
            # twice the bytes needed: one refill is already unlikely (36 symbols reject 1 byte in 64)
            out += os.urandom(2 * (length - len(out))).translate(mapping, rejected)
        return out[:length].decode("latin-1")
    limit = 256 - 256 % size
    chars: list[str] = []
    while len(chars) < length:
        chars.extend(alphabet[b % size] for b in os.urandom(2 * (length - len(chars))) if b < limit)
    return "".join(chars[:length])


@functools.lru_cache(maxsize=64)
def _byte_tables(alphabet: str) -> tuple[bytes, bytes] | None:
    """For an alphabet of one-byte characters: the table that maps each random byte to its
    character (`byte % size`) and the bytes to reject; None for other alphabets."""
    try:
        symbols = alphabet.encode("latin-1")
    except UnicodeEncodeError:
        return None
    size = len(symbols)
    limit = 256 - 256 % size
    mapping = bytes(symbols[b % size] for b in range(256))
    return mapping, bytes(range(limit, 256))


def random_id() -> str:
    """A PocketBase record id: 15 characters of [a-z0-9]."""
    return random_string(15, LOWER_ALNUM)
