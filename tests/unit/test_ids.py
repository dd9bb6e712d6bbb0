"""Random ids and secrets: right length and alphabet, every character equally likely."""

from __future__ import annotations

from collections import Counter

import pytest

from roost.security.ids import ALNUM, LOWER_ALNUM, random_id, random_string


def test_record_ids_are_15_lowercase_alphanumerics() -> None:
    ids = {random_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 15 and set(i) <= set(LOWER_ALNUM) for i in ids)


@pytest.mark.parametrize("length", [0, 1, 10, 50, 300])
def test_length_and_alphabet(length: int) -> None:
    value = random_string(length)
    assert len(value) == length and set(value) <= set(ALNUM)


def test_no_modulo_bias() -> None:
    """With 200 symbols a plain `byte % 200` would draw the first 56 twice as often."""
    alphabet = "".join(chr(0x100 + i) for i in range(200))
    counts = Counter(random_string(200_000, alphabet))
    expected = 1000
    assert len(counts) == 200
    assert all(0.7 * expected < n < 1.3 * expected for n in counts.values()), sorted(counts.values())[-5:]


@pytest.mark.parametrize("size", [36, 62, 200])
def test_one_byte_alphabets_have_no_modulo_bias(size: int) -> None:
    """Ids and tokens draw from one-byte alphabets through a byte table: the same uniformity."""
    alphabet = "".join(chr(0x21 + i) for i in range(size))
    counts = Counter(random_string(size * 1000, alphabet))
    assert len(counts) == size
    assert all(700 < n < 1300 for n in counts.values()), sorted(counts.values())[-5:]


def test_alphabet_size_is_checked() -> None:
    with pytest.raises(ValueError):
        random_string(5, "")
