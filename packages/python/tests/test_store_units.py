"""xetcache.store.units: the README's one size convention, the same texts as packages/store/src/units.ts."""

import pytest

from xetcache.store.units import format_bytes, parse_bytes


@pytest.mark.parametrize("n, text", [
    (0, "0 B"), (1023, "1023 B"), (1024, "1 KiB"), (3_200_000, "3.1 MiB"), (500 * 2 ** 20, "500 MiB"),
    (45 * 2 ** 30, "45 GiB"), (2 ** 20 - 1, "1 MiB"), (12_300_000, "12 MiB"), (None, "—"), (float("nan"), "—"),
])
def test_sizes_are_shown_in_binary_units(n, text):
    assert format_bytes(n) == text


@pytest.mark.parametrize("text, n", [
    ("500MB", 500_000_000), ("2 GB", 2_000_000_000), ("1.5 kB", 1500), ("500MiB", 500 * 2 ** 20),
    ("500M", 500 * 2 ** 20), ("1.5gib", 3 * 2 ** 29), ("64k", 65536), (" 1234 ", 1234), ("1234 B", 1234),
])
def test_each_unit_is_read_for_what_it_says(text, n):
    assert parse_bytes(text) == n


@pytest.mark.parametrize("junk", ["", "lots", "-5 MiB", "5 PiB", "5 MBs", "1e3", "99999999999 TiB"])
def test_junk_is_refused(junk):
    assert parse_bytes(junk) is None


def test_what_is_shown_parses_back():
    for n in (0, 1000, 1024, 3_200_000, 500 * 2 ** 20, 7 * 2 ** 30, 123_456_789_012):
        back = parse_bytes(format_bytes(n))
        assert back is not None and abs(back - n) <= n * 0.05, (n, format_bytes(n))
