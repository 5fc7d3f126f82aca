"""Shared by the opportunity tests: the small organisation of tests.saas_core.org in tenant A, customers,
and opportunities made through the service (no permission check, like an import)."""

from __future__ import annotations

import pytest

from saas_core.opportunities import services
from saas_core.opportunities.models import OpportunityType, Stage
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import _fast_password_hashing, add  # noqa: F401 - fixture; a customer
from tests.saas_core.org.conftest import build_org


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def standard_type() -> OpportunityType:
    """The seeded "New business" type (initial contact 10 % … won 100 %, lost 0 %)."""
    return OpportunityType.objects.get(name_en="New business")


def stage(kind: OpportunityType, name_en: str) -> Stage:
    return kind.stages.get(name_en=name_en)


def opportunity(tenant, owner, customer, subject: str, *, stage_name: str | None = None, **fields):
    with in_tenant(tenant):
        kind = fields.pop("type", None) or standard_type()
        chosen = stage(kind, stage_name) if stage_name else None
        lost = None
        if chosen is not None and chosen.outcome == Stage.Outcome.LOST:
            from saas_core.dictionaries.services import get_item

            lost = get_item("lost_reason", "price")
        return services.create_opportunity(by=owner, customer=customer, subject=subject, type=kind, stage=chosen,
                                           lost_reason=lost, check_permission=False, **fields)
