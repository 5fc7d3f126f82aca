"""Phone normalisation: numbers typed as plain digits (the fast path) follow the same rules."""

import pytest

from saas_core.customers.phones import normalise_phone, reversed_digits


@pytest.mark.parametrize("raw, digits", [
    ("13812345678", "13812345678"), ("8613812345678", "13812345678"), ("008613812345678", "13812345678"),
    ("0086106234567", "0106234567"), ("861381234567", "861381234567"), ("075588881234", "075588881234"),
    ("86", "86"), ("0", "0"), ("٣٤٥٦٧٨٩", "٣٤٥٦٧٨٩"), ("+8613812345678", "13812345678"), ("+86 755 8888 1234", "075588881234"),
])
def test_plain_digits_and_typed_forms_normalise_alike(raw, digits):
    assert normalise_phone(raw) == digits
    assert normalise_phone(raw) == digits  # remembered: the same answer again
    assert reversed_digits(raw) == digits[::-1]
