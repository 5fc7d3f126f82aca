from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saas_core import money


def test_half_up_rounding_to_the_given_places():
    assert money.round_price("2.345", 2) == Decimal("2.35")
    assert money.round_price(Decimal("-2.345"), 2) == Decimal("-2.35")
    assert money.round_quantity("1.5", 0) == Decimal("2")


def test_floats_never_leak_binary_noise():
    assert money.as_decimal(0.1) == Decimal("0.1")


def test_line_total_applies_the_discount_before_rounding():
    assert money.line_total("3", "19.99", "15", price_places=2) == Decimal("50.97")


def test_too_many_decimals_is_refused_with_the_allowed_count():
    money.check_places(Decimal("1.20"), 1)
    with pytest.raises(ValidationError) as exc:
        money.check_places(Decimal("1.234"), 2)
    assert "2" in exc.value.messages[0]


def test_not_a_number_names_the_value():
    with pytest.raises(ValidationError) as exc:
        money.as_decimal("abc")
    assert "abc" in exc.value.messages[0]


def test_company_precision_defaults_to_two_and_follows_the_settings(db, tenant_a):
    from saas_core.system.models import SystemSettings
    from tests.conftest import in_tenant

    with in_tenant(tenant_a):
        assert money.places() == money.Places(price=2, quantity=2)
        assert money.round_price("1.005") == Decimal("1.01")
        SystemSettings.objects.create(pk=1, price_places=4, quantity_places=0)
        assert money.places() == money.Places(price=4, quantity=0)
        assert money.round_price("1.00005") == Decimal("1.0001")
        assert money.round_quantity("2.5") == Decimal("3")
