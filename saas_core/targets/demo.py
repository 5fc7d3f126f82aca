"""The demo company's sales targets for this year (``crm run`` / ``crm demo``), made through the
services once: the company, 销售一部 and its salespeople, for each registered measure; the
department's parts sum slightly above it in one month, so the warning shows."""

from __future__ import annotations

from django.db import transaction

# measure: (company per month, department per month, each salesperson per month)
MONTHLY = {"contract_amount": ("300000", "120000", "65000"), "payment_amount": ("250000", "100000", "50000"),
           "new_customers": ("40", "16", "8")}


def make_demo_targets() -> None:
    """Only in a company without targets yet."""
    from saas_core.accounts.models import User
    from saas_core.org.models import Department
    from saas_core.targets import measures, services
    from saas_core.targets.models import Target
    from saas_core.tenancy import company_today

    boss = User.objects.filter(role="boss").order_by("pk").first()
    department = Department.objects.filter(name="销售一部").first()
    if boss is None or department is None or Target.objects.exists():
        return
    sales = list(User.objects.filter(department=department, role="sales", is_active=True))
    year = company_today().year
    with transaction.atomic():
        for measure in measures.measures():
            company, team, person = MONTHLY.get(measure.key, ("0", "0", "0"))
            entries = {}
            for month in services.MONTHS:
                entries[("company", month)] = company
                entries[(f"department-{department.pk}", month)] = team
                for user in sales:
                    entries[(f"person-{user.pk}", month)] = person
            services.save_targets(by=boss, measure=measure.key, year=year, entries=entries)
