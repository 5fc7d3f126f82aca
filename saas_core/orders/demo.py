"""The demo company's contracts and orders (``crm run`` / ``crm demo``), made once through the
services: the accepted quote becomes a signed contract with delivery plans and an order shipped
in part; a running contract near its end (its renewal reminder), a draft contract, and a
confirmed order waiting to ship."""

from __future__ import annotations

from datetime import timedelta


def make_demo_contracts_and_orders() -> None:
    """Only in a demo company with its sample quotes and no contract or order yet."""
    from django.db import transaction

    from saas_core.accounts.models import User
    from saas_core.contracts import services as contracts
    from saas_core.contracts.models import Contract
    from saas_core.dictionaries.models import DictionaryItem
    from saas_core.lines.services import LineInput
    from saas_core.money import round_price
    from saas_core.orders import services as orders
    from saas_core.orders.models import Order
    from saas_core.products import services as products
    from saas_core.quotes import services as quotes
    from saas_core.quotes.models import Quote
    from saas_core.tenancy import company_today

    accepted = Quote.objects.filter(status=Quote.Status.ACCEPTED).select_related("customer").order_by("pk").first()
    boss = User.objects.filter(role="boss").order_by("pk").first()
    if Contract.all_objects.exists() or Order.all_objects.exists() or accepted is None or boss is None:
        return
    today = company_today()
    sales = DictionaryItem.objects.filter(type__key="contract_category", key="sales").first()
    service = DictionaryItem.objects.filter(type__key="contract_category", key="service").first()
    on_sale = list(products.pickable().order_by("code")[:3])
    with transaction.atomic():
        signed = quotes.run_conversion(accepted, "contract", by=boss)
        contracts.update_contract(signed, by=boss, lines=contracts.line_inputs(signed), discount=signed.discount,
                                  category=sales, our_signer=signed.owner,
                                  customer_signer=accepted.customer.contacts.order_by("pk").first())
        contracts.set_status(signed, Contract.Status.IN_PROGRESS, by=boss)
        half = round_price(signed.total / 2)
        first = contracts.add_delivery_plan(signed, by=boss, planned_on=today - timedelta(days=3), content="首批设备到货",
                                            amount=half)
        contracts.add_delivery_plan(signed, by=boss, planned_on=today + timedelta(days=20), content="安装调试与培训",
                                    amount=signed.total - half)
        contracts.record_delivery(signed, by=boss, delivered_on=today - timedelta(days=2), content="首批设备已签收",
                                  amount=half, plan=first)
        order = orders.from_contract(signed, by=boss)
        orders.confirm(order, by=boss)
        line = order.lines.order_by("position").first()
        orders.ship(order, [orders.ShipInput(line, max(line.quantity // 2, 1))], by=boss, carrier="顺丰速运",
                    tracking_number="SF1234567890")
        others = list(Quote.objects.exclude(pk=accepted.pk).select_related("customer", "owner").order_by("pk")[:2])
        if on_sale and others:
            renewing = contracts.create_contract(
                by=boss, owner=others[0].owner, customer=others[0].customer, title="年度运维服务合同",
                category=service, start_on=today - timedelta(days=350), end_on=today + timedelta(days=15),
                lines=[LineInput(on_sale[-1], "12", None, "0")], check_permission=False)
            contracts.set_status(renewing, Contract.Status.IN_PROGRESS, by=boss)
            contracts.remind_renewals(today)
        if on_sale and len(others) > 1:
            contracts.create_contract(by=boss, owner=others[1].owner, customer=others[1].customer,
                                      title="系统升级合同（草拟）", category=sales, check_permission=False,
                                      lines=[LineInput(on_sale[0], "1", None, "0")])
            waiting = orders.create_order(by=boss, owner=others[1].owner, customer=others[1].customer,
                                          receiver="采购部", address="上海市浦东新区世纪大道 100 号",
                                          lines=[LineInput(p, "2", None, "0") for p in on_sale[:2]],
                                          check_permission=False)
            orders.confirm(waiting, by=boss)
