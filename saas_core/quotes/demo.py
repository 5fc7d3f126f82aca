"""The demo company's quotes (``crm run`` / ``crm demo``), made through the services once: a few
products when the catalogue is empty, and quotes in every status for the sample customers."""

from __future__ import annotations

from datetime import timedelta

# code, name, spec, unit, quote price, deal price, cost
DEMO_PRODUCTS = (
    ("CRM-STD", "客户管理系统标准版", "10 用户/年", "套", "9800.00", "8800.00", "3000.00"),
    ("CRM-PRO", "客户管理系统专业版", "50 用户/年", "套", "39800.00", "35800.00", "12000.00"),
    ("SVC-IMPL", "实施服务", "按人天", "人天", "2000.00", "1800.00", "900.00"),
    ("SVC-TRAIN", "现场培训", "半天", "次", "3000.00", "2600.00", "1200.00"),
    ("HW-SCAN", "条码扫描枪", "无线 2.4G", "把", "460.00", "420.00", "260.00"),
)
# customer, status, days ago, valid for (days), lines: (nth product on sale, quantity, discount %), document discount
DEMO_QUOTES = (
    ("北京华兴科技有限公司", "sent", 1, 15, ((1, "1", "5"), (2, "10", "0")), "100.00"),
    ("北京华兴科技有限公司", "draft", 0, 5, ((3, "2", "0"),), "0"),
    ("深圳市远航电子有限公司", "accepted", 20, 30, ((0, "2", "10"), (4, "5", "0")), "0"),
    ("上海恒通国际贸易有限公司", "rejected", 30, 45, ((0, "1", "0"),), "0"),
    ("重庆长安汽车配件有限公司", "draft", 40, 30, ((1, "1", "0"), (3, "1", "0")), "0"),
)


def make_demo_quotes() -> None:
    """Only in a demo company with its sample customers and no quote yet."""
    from django.db import transaction

    from saas_core.accounts.models import User
    from saas_core.customers.models import Customer
    from saas_core.lines.services import LineInput
    from saas_core.opportunities.models import Opportunity
    from saas_core.products import services as products
    from saas_core.products.models import Product
    from saas_core.quotes import services
    from saas_core.quotes.models import Quote
    from saas_core.tenancy import company_today

    customers = {c.name: c for c in Customer.objects.filter(name__in=[q[0] for q in DEMO_QUOTES])}
    if Quote.all_objects.exists() or not customers:
        return
    boss = User.objects.filter(role="boss").order_by("pk").first()
    if boss is None:
        return
    with transaction.atomic():
        if not Product.all_objects.exists():
            for code, name, spec, unit, quote, deal, cost in DEMO_PRODUCTS:
                products.create_product(by=boss, code=code, name=name, spec=spec, unit=unit, cost_price=cost,
                                        prices={"quote": quote, "deal": deal}, check_permission=False)
        # The catalogue's own demo products when it made them, else the few above.
        on_sale = list(products.pickable().order_by("code")[:5])
        today = company_today()
        for name, status, days_ago, valid, lines, discount in DEMO_QUOTES:
            customer = customers.get(name)
            chosen = [(on_sale[n % len(on_sale)], qty, disc) for n, qty, disc in lines] if on_sale else []
            if customer is None or not chosen:
                continue
            quoted_on = today - timedelta(days=days_ago)
            quote = services.create_quote(
                by=customer.owner or boss, customer=customer, check_permission=False, discount=discount,
                opportunity=Opportunity.objects.filter(customer=customer).order_by("pk").first(),
                quoted_on=quoted_on, valid_until=quoted_on + timedelta(days=valid), terms="报价含税，款到发货。",
                lines=[LineInput(p, qty, None, disc) for p, qty, disc in chosen])
            path = {"sent": ["sent"], "accepted": ["sent", "accepted"], "rejected": ["sent", "rejected"]}
            for step in path.get(status, []):
                services.set_status(quote, step, by=boss)
        # The oldest one is past its validity: expire it the way the hourly task does.
        services.expire_due(today)
