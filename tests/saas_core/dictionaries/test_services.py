"""Dictionary services: add, rename, reorder, disable, delete only when unused, cached reads."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from saas_core.dictionaries import services
from saas_core.dictionaries.models import DictionaryItem, DictionaryType
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def keys(type_key, **kwargs):
    return [i.key for i in services.items_for(type_key, **kwargs)]


def test_add_appends_a_value_with_a_code_made_from_the_english_label(tenant_a):
    with in_tenant(tenant_a):
        industry = DictionaryType.objects.get(key="industry")
        item = services.add_item(industry, label_zh="新能源汽车", label_en="New energy vehicles")
        assert (item.key, item.is_builtin, item.is_active) == ("new_energy_vehicles", False, True)
        assert keys("industry")[-1] == "new_energy_vehicles"
        again = services.add_item(industry, label_zh="新能源", label_en="New energy vehicles!")  # other label, same slug
        assert again.key == "new_energy_vehicles_2"
        chinese_only = services.add_item(industry, label_zh="跨境电商")
        assert chinese_only.key == "item" and chinese_only.label == "跨境电商"  # English falls back to Chinese
        coded = services.add_item(industry, label_en="Semiconductors", key="semi")
        assert coded.key == "semi"


@pytest.mark.parametrize(("fields", "errors"), [
    ({"label_zh": " ", "label_en": ""}, {"label_zh": "at least one language"}),
    ({"label_zh": "计算机/互联网"}, {"label_zh": "already in this list"}),
    ({"label_en": "it and INTERNET"}, {"label_en": "already in this list"}),
    ({"label_zh": "x" * 101}, {"label_zh": "at most 100 characters"}),
    ({"label_zh": "新值", "key": "Bad Key!"}, {"key": "lower-case letters"}),
    ({"label_zh": "新值", "key": "it"}, {"key": "already used"}),
])
def test_bad_input_is_refused_per_field(tenant_a, fields, errors):
    with in_tenant(tenant_a):
        industry = DictionaryType.objects.get(key="industry")
        with pytest.raises(ValidationError) as caught:
            services.add_item(industry, **fields)
        messages = caught.value.message_dict
        for field, text in errors.items():
            assert text in " ".join(messages[field])
        assert DictionaryItem.objects.filter(type=industry).count() == 20


def test_a_label_equal_to_a_disabled_value_says_to_enable_it(tenant_a):
    with in_tenant(tenant_a):
        item = services.get_item("customer_source", "short_video")
        services.set_active(item, False)
        with pytest.raises(ValidationError) as caught:
            services.add_item(item.type, label_zh="抖音/短视频")
        assert "disabled; enable it instead" in caught.value.message_dict["label_zh"][0]


def test_extra_attributes_are_checked_against_what_the_list_declares(tenant_a):
    with in_tenant(tenant_a):
        urgency = DictionaryType.objects.get(key="complaint_urgency")
        item = services.add_item(urgency, label_zh="特急", label_en="Immediate", extra={"response_hours": "1"})
        assert item.extra == {"response_hours": 1}
        with pytest.raises(ValidationError) as caught:
            services.add_item(urgency, label_zh="不急不急", extra={"response_hours": 900, "colour": "red"})
        messages = " ".join(caught.value.message_dict["extra"])
        assert "from 0 to 720" in messages and "“colour” is not an attribute" in messages
        with pytest.raises(ValidationError):
            services.add_item(DictionaryType.objects.get(key="holiday"), label_zh="植树节", extra={"calendar": "martian"})


def test_rename_changes_both_labels_but_never_the_code(tenant_a):
    with in_tenant(tenant_a):
        item = services.get_item("customer_source", "wechat")
        renamed = services.rename_item(item, label_zh="微信/企业微信", label_en="WeChat / WeCom")
        fresh = DictionaryItem.objects.get(pk=item.pk)
        assert (fresh.key, fresh.label_zh, fresh.label_en) == ("wechat", "微信/企业微信", "WeChat / WeCom")
        assert renamed.label == "WeChat / WeCom"
        services.rename_item(fresh, label_zh="微信/企业微信", label_en="WeChat / WeCom")  # its own labels are no clash
        with pytest.raises(ValidationError) as caught:
            services.rename_item(fresh, label_zh="展会", label_en="")
        assert "already in this list" in caught.value.message_dict["label_zh"][0]


def test_reorder_sets_the_whole_order_in_one_go(tenant_a):
    with in_tenant(tenant_a):
        dtype = DictionaryType.objects.get(key="value_class")
        a, b, c = services.items_for("value_class")
        services.reorder_items(dtype, [c.pk, a.pk, b.pk])
        assert keys("value_class") == ["c", "a", "b"]
        assert list(dtype.items.order_by("order").values_list("order", flat=True)) == [1, 2, 3]
        # Values not sent (e.g. disabled ones a client does not show) keep their order after the rest.
        services.reorder_items(dtype, [b.pk])
        assert keys("value_class") == ["b", "c", "a"]


def test_reorder_refuses_ids_of_another_list_and_repeats_and_changes_nothing(tenant_a):
    with in_tenant(tenant_a):
        dtype = DictionaryType.objects.get(key="value_class")
        ids = [i.pk for i in services.items_for("value_class")]
        stranger = services.get_item("industry", "it")
        for bad, text in ([[*ids, stranger.pk], "not values of"], [[ids[0], ids[0]], "only once"], [[], "list of value ids"],
                          [["x"], "list of value ids"]):
            with pytest.raises(ValidationError) as caught:
                services.reorder_items(dtype, bad)
            assert text in caught.value.message_dict["ids"][0]
        assert keys("value_class") == ["a", "b", "c"]


def test_move_up_and_down(tenant_a):
    with in_tenant(tenant_a):
        services.move_item(services.get_item("task_priority", "low"), -1)
        assert keys("task_priority") == ["urgent", "high", "low", "medium"]
        services.move_item(services.get_item("task_priority", "urgent"), +1)
        assert keys("task_priority") == ["high", "urgent", "low", "medium"]
        services.move_item(services.get_item("task_priority", "high"), -1)  # already first: stays
        assert keys("task_priority") == ["high", "urgent", "low", "medium"]


def test_disable_hides_a_value_from_new_choices_and_enable_brings_it_back(tenant_a):
    with in_tenant(tenant_a):
        item = services.get_item("customer_source", "advertising")
        services.set_active(item, False)
        assert "advertising" not in keys("customer_source")
        assert "advertising" in keys("customer_source", include_inactive=True)
        assert item.pk not in dict(services.choices("customer_source"))
        assert item.pk in dict(services.choices("customer_source", include=item.pk))  # a record's current value
        services.set_active(item, True)
        assert "advertising" in keys("customer_source")


def test_an_unused_value_is_deleted(tenant_a):
    with in_tenant(tenant_a):
        item = services.get_item("hot_reason", "renewal_due")
        assert services.usage(item) == []
        services.delete_item(item)
        assert not DictionaryItem.objects.filter(pk=item.pk).exists()


def test_a_value_in_use_cannot_be_deleted_and_the_message_says_where(tenant_a, probe_model):
    with in_tenant(tenant_a):
        it = services.get_item("industry", "it")
        web = services.get_item("customer_source", "website")
        for n in range(3):
            probe_model.objects.create(name=f"客户{n}", industry=it, source=web)
        binned = probe_model.objects.create(name="已删除", industry=it)
        probe_model.all_objects.filter(pk=binned.pk).update(deleted_at=timezone.now())

        usages = services.usage(it)
        assert [(u.model, u.count, u.in_bin) for u in usages] == [(probe_model, 4, 1)]
        with pytest.raises(services.ItemInUse) as caught:
            services.delete_item(it)
        assert caught.value.message == (
            "“IT and internet” is used by 4 probe customers (1 in the recycle bin); disable it instead. "
            "Records in the recycle bin keep their values until they are purged."
        )
        assert DictionaryItem.objects.filter(pk=it.pk).exists()
        single = probe_model.objects.create(name="one", industry=services.get_item("industry", "food"))
        assert services.in_use_message(single.industry, services.usage(single.industry)) == (
            "“Food and beverages” is used by 1 probe customer; disable it instead."
        )
        # A row counts once even when several of its fields hold the value.
        probe_model.objects.filter(pk=single.pk).update(source=single.industry)
        assert services.usage(single.industry)[0].count == 1
        services.set_active(it, False)  # what the message suggests instead
        assert probe_model.objects.filter(industry=it).count() == 3


def test_items_for_an_unknown_list_is_a_programming_error(tenant_a):
    with in_tenant(tenant_a), pytest.raises(LookupError):
        services.items_for("no_such_list")


def test_reads_are_cached_per_tenant_and_invalidated_by_every_change(
    tenant_a, tenant_b, monkeypatch, django_capture_on_commit_callbacks,
):
    """Tests run inside a transaction, where the cache is bypassed; here it is switched on."""
    monkeypatch.setattr(services, "_cache_allowed", lambda: True)
    with in_tenant(tenant_a):
        services.invalidate_now()
        item = services.get_item("value_class", "a")
        assert item.label_en == "A (high value)"
        DictionaryItem.objects.filter(pk=item.pk).update(label_en="changed behind the cache's back")
        assert services.get_item("value_class", "a").label_en == "A (high value)"  # served from the cache
        with django_capture_on_commit_callbacks(execute=True):
            services.rename_item(item, label_zh=item.label_zh, label_en="A (top)")
        assert services.get_item("value_class", "a").label_en == "A (top)"
        with django_capture_on_commit_callbacks(execute=True):
            services.set_active(services.get_item("value_class", "c"), False)
        assert keys("value_class") == ["a", "b"]
    with in_tenant(tenant_b):  # B's cache entries are B's own
        services.invalidate_now()
        assert services.get_item("value_class", "a").label_en == "A (high value)"
        assert keys("value_class") == ["a", "b", "c"]
    for info in (tenant_a, tenant_b):  # leave nothing behind that a later (rolled back) state contradicts
        with in_tenant(info):
            services.invalidate_now()
