"""Every new company starts with 40+ pick-lists in both languages (DICT-01)."""

import re

import pytest
from django.utils import translation

from saas_core.dictionaries import services
from saas_core.dictionaries.models import DictionaryItem, DictionaryType
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")

REQUIRED = {
    "customer_type", "customer_category", "industry", "customer_source", "customer_status", "hot_reason",
    "value_class", "credit_level", "company_size", "contact_category", "contact_role", "activity_type",
    "task_priority", "schedule_type", "opportunity_source", "lost_reason",
    "competitor_threat", "quote_status", "contract_category", "contract_status", "order_status", "shipping_method",
    "payment_method", "payment_type", "invoice_type", "expense_type", "product_unit", "price_strategy",
    "service_type", "service_channel", "complaint_type", "complaint_urgency", "care_type", "holiday",
    "announcement_category", "sms_template_category", "email_campaign_category", "lead_source", "supplier_type",
    "purchase_type", "warehouse_type", "stocktake_reason", "return_reason", "currency",
}


@pytest.mark.parametrize("tenant", ["tenant_a", "tenant_b"])
def test_a_new_company_gets_40_plus_bilingual_pick_lists(request, tenant):
    info = request.getfixturevalue(tenant)  # both were provisioned by cloning the template
    with in_tenant(info):
        types = list(DictionaryType.objects.prefetch_related("items"))
        assert len(types) >= 40
        assert {t.key for t in types} >= REQUIRED
        labels_zh = []
        for dtype in types:
            items = list(dtype.items.all())
            assert 3 <= len(items) <= 20, dtype.key
            assert dtype.name_zh and dtype.name_en and CJK.search(dtype.name_zh), dtype.key
            assert all(i.label_zh and i.label_en and i.is_builtin and i.is_active for i in items), dtype.key
            assert len({i.key for i in items}) == len(items)
            labels_zh += [i.label_zh for i in items]
        # Natural Chinese, not English copied over (a few values such as "QQ" are the same in both).
        assert sum(bool(CJK.search(label)) for label in labels_zh) / len(labels_zh) > 0.95


def test_the_defaults_a_chinese_smb_expects(tenant_a):
    with in_tenant(tenant_a):
        def keys(type_key):
            return [i.key for i in services.items_for(type_key)]

        assert keys("customer_category") == ["potential", "normal", "vip", "agent", "partner", "invalid"]
        assert {"call", "visit", "email", "wechat", "qq", "meeting", "sms"} <= set(keys("activity_type"))
        assert {"bank_transfer", "cash", "alipay", "wechat_pay", "cheque", "bank_acceptance"} <= set(keys("payment_method"))
        assert {"vat_special", "vat_normal", "receipt"} <= set(keys("invoice_type"))
        assert {"spring_festival", "mid_autumn", "national_day"} <= set(keys("holiday"))
        assert len(keys("industry")) == 20
        hours = {i.key: i.extra["response_hours"] for i in services.items_for("complaint_urgency")}
        assert hours == {"critical": 2, "urgent": 8, "normal": 24, "low": 72}
        mid_autumn = services.get_item("holiday", "mid_autumn")
        assert mid_autumn.extra == {"calendar": "lunar", "month": 8, "day": 15}
        assert services.get_item("payment_method", "alipay").label_zh == "支付宝"


def test_labels_follow_the_active_language_and_fall_back(tenant_a):
    with in_tenant(tenant_a):
        item = DictionaryItem.objects.get(type__key="payment_method", key="wechat_pay")
        dtype = item.type
        with translation.override("zh-hans"):
            assert (item.label, str(item), dtype.name) == ("微信支付", "微信支付", "付款方式")
            assert item.other_label == "WeChat Pay"
        with translation.override("en"):
            assert (item.label, str(item), dtype.name) == ("WeChat Pay", "WeChat Pay", "Payment method")
            assert item.other_label == "微信支付"
        item.label_en = ""
        with translation.override("en"):
            assert item.label == "微信支付" and item.other_label == ""
        item.label_en, item.label_zh = "WeChat Pay", ""
        with translation.override("zh-hans"):
            assert item.label == "WeChat Pay"
