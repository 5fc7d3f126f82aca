"""Numbers as links a phone can use (issue 14, PLT-09): tel: for every number, sms: beside mobiles."""

import pytest

from web.templatetags.web_tags import is_mobile, sms_href, tel_href


@pytest.mark.parametrize(("typed", "tel", "mobile"), [
    ("139 0571 0000", "tel:13905710000", True),
    ("+86 139-0571-0000", "tel:13905710000", True),
    ("１３９０５７１００００", "tel:13905710000", True),  # full-width digits
    ("010-6234 5678", "tel:01062345678", False),
    ("(021) 6234-5678 转 8001", "tel:02162345678", False),
    ("+1 415 555 0100", "tel:+14155550100", False),
    ("400-800-8888", "tel:4008008888", False),
])
def test_numbers_dial_and_text(typed, tel, mobile):
    assert tel_href(typed) == tel
    assert is_mobile(typed) is mobile
    if mobile:
        assert sms_href(typed) == "sms:13905710000"
