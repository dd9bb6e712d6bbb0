"""Security primitives: random ids, HS256 tokens, password hashing, constant-time compare."""

from roost.security.ids import random_id, random_string
from roost.security.jwt import decode_unverified, sign, verify
from roost.security.passwords import check_password, hash_password

__all__ = [
    "check_password",
    "decode_unverified",
    "hash_password",
    "random_id",
    "random_string",
    "sign",
    "verify",
]
