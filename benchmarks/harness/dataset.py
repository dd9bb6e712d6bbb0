"""Deterministic benchmark data: the same rows, with the same ids, on every server.

Record ids are chosen here (15 characters of [a-z0-9], PocketBase's default
id format) and sent with each create, so relations can be built up front
and both servers hold byte-identical data.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

SEED = 20261121
USER_PASSWORD = "password123"
ID_ALPHABET = string.ascii_lowercase + string.digits

_WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
    "nisi",
    "aliquip",
    "ex",
    "ea",
    "commodo",
    "consequat",
    "duis",
    "aute",
    "irure",
    "in",
    "reprehenderit",
    "voluptate",
    "velit",
    "esse",
    "cillum",
    "fugiat",
    "nulla",
    "pariatur",
    "excepteur",
    "sint",
    "occaecat",
    "cupidatat",
    "non",
    "proident",
    "sunt",
    "culpa",
    "qui",
    "officia",
    "deserunt",
    "mollit",
    "anim",
    "id",
    "est",
    "laborum",
]


@dataclass(frozen=True)
class Sizes:
    users: int
    posts: int
    comments: int
    notes: int


FULL_SIZES = Sizes(users=100, posts=10_000, comments=20_000, notes=10_000)
QUICK_SIZES = Sizes(users=20, posts=1_000, comments=2_000, notes=1_000)


@dataclass
class Dataset:
    users: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)


def _id(rng: random.Random, used: set[str]) -> str:
    while True:
        value = "".join(rng.choices(ID_ALPHABET, k=15))
        if value not in used:
            used.add(value)
            return value


def _words(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choices(_WORDS, k=rng.randint(lo, hi)))


def generate(sizes: Sizes, seed: int = SEED) -> Dataset:
    """Build the full data set from `seed`; identical for identical inputs."""
    rng = random.Random(seed)
    used: set[str] = set()
    data = Dataset()
    for i in range(sizes.users):
        data.users.append(
            {
                "id": _id(rng, used),
                "email": f"user{i}@example.com",
                "password": USER_PASSWORD,
                "passwordConfirm": USER_PASSWORD,
                "name": f"User {i}",
            }
        )
    user_ids = [u["id"] for u in data.users]
    for _ in range(sizes.posts):
        data.posts.append(
            {
                "id": _id(rng, used),
                "title": _words(rng, 3, 8).capitalize(),
                "body": _words(rng, 30, 80),  # ~200-550 characters
                "views": rng.randint(0, 1000),  # filter views>500 keeps about half
                "published": rng.random() < 0.5,  # ... and published=true half of that
                "author": rng.choice(user_ids),
            }
        )
    post_ids = [p["id"] for p in data.posts]
    for _ in range(sizes.comments):
        data.comments.append(
            {
                "id": _id(rng, used),
                "post": rng.choice(post_ids),
                "body": _words(rng, 5, 30),
                "author": rng.choice(user_ids),
            }
        )
    for _ in range(sizes.notes):
        data.notes.append(
            {
                "id": _id(rng, used),
                "title": _words(rng, 2, 6).capitalize(),
                "body": _words(rng, 10, 40),
                "owner": rng.choice(user_ids),
            }
        )
    return data
