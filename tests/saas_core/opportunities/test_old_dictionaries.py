"""The old "opportunity type" and "opportunity stage" pick-lists go (opportunities.0006): what a
company had changed in them comes over to its opportunity types and stages first, and nothing
offers the lists any more."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from saas_core.dictionaries.models import DictionaryItem, DictionaryType
from saas_core.opportunities.models import OpportunityType
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db
PROBABILITY = [{"name": "probability", "kind": "int", "min": 0, "max": 100, "label_zh": "赢单率(%)",
                "label_en": "Probability (%)"}]


def stages(name_en: str) -> list[tuple]:
    kind = OpportunityType.objects.get(name_en=name_en)
    return [(s.name_en, s.probability, s.outcome) for s in kind.stages.order_by("position", "id")]


def test_a_company_s_changes_come_over_and_the_lists_go(tenant_a, client_for, boss_a):
    migration = importlib.import_module("saas_core.opportunities.migrations.0006_retire_old_dictionaries")
    with in_tenant(tenant_a):
        assert not DictionaryType.objects.filter(key__in=migration.OLD_LISTS).exists()  # new companies: gone
        tender_before = stages("Tender")
        # The lists as a company that used them before this issue still has them.
        kinds = DictionaryType.objects.create(key="opportunity_type", name_zh="机会类型", name_en="Opportunity type",
                                              group="sales")
        DictionaryItem.objects.create(type=kinds, key="renewal", label_zh="续签", label_en="Renewal", is_builtin=True)
        DictionaryItem.objects.create(type=kinds, key="channel", label_zh="渠道项目", label_en="Channel deal", order=9)
        steps = DictionaryType.objects.create(key="opportunity_stage", name_zh="销售阶段", name_en="Opportunity stage",
                                              group="sales", extra_fields=PROBABILITY)
        DictionaryItem.objects.create(type=steps, key="initial_contact", label_zh="初步接洽", label_en="Initial contact",
                                      is_builtin=True, extra={"probability": 10})
        DictionaryItem.objects.create(type=steps, key="negotiation", label_zh="商务谈判", label_en="Negotiation",
                                      is_builtin=True, extra={"probability": 70})
        DictionaryItem.objects.create(type=steps, key="pilot", label_zh="试点", label_en="Pilot", order=9,
                                      extra={"probability": 60})
        migration.retire(apps, None)
        assert not DictionaryType.objects.filter(key__in=migration.OLD_LISTS).exists()
        assert OpportunityType.objects.get(name_en="Renewal").name_zh == "续签"
        expected = [("Initial contact", 10, "open"), ("Needs analysis", 30, "open"), ("Proposal and quote", 50, "open"),
                    ("Negotiation", 70, "open"), ("Pilot", 60, "open"), ("Won", 100, "won"), ("Lost", 0, "lost")]
        assert stages("New business") == expected and stages("Channel deal") == expected
        assert stages("Tender") == tender_before  # its own process: untouched
        migration.retire(apps, None)  # running again changes nothing
        assert stages("New business") == expected and OpportunityType.objects.filter(name_en="Channel deal").count() == 1
    boss = client_for(tenant_a, boss_a)
    assert boss.get("/dictionaries/opportunity_stage/").status_code == 404
    index = boss.get("/dictionaries/").content.decode()
    assert "/dictionaries/opportunity_source/" in index and "/dictionaries/opportunity_type/" not in index
