"""The demo company (``crm run`` / ``crm demo``): a Boss, staff, customers and a working week of
follow-ups, schedules, tasks, a daily report and care, all made through the same services staff
use, so the lists, search keys, last-contact dates, reminders and notifications are real.

Each part is made once: a company that has customers (or follow-ups) gets no more of them.
Nothing here imports Django at import time (``crm`` reads the constants before setting up).
"""

from __future__ import annotations

from datetime import date, timedelta

DEMO_SUBDOMAIN = "demo"
DEMO_BOSS_EMAIL = "boss@demo.example.com"
DEMO_PASSWORD = "Demo-2026-crm"  # noqa: S105 - the published demo login


def seed() -> None:
    """Create the demo company (a Boss, staff, sign-in history) once, then fill in what is
    missing: customers, then their follow-ups, schedules, tasks, a daily report, care."""
    from django_tenants.utils import schema_context

    from tenants import provisioning
    from tenants.models import Tenant

    _demo_catalogue()
    schema = provisioning.schema_name_for(DEMO_SUBDOMAIN)
    if not Tenant.objects.filter(schema_name=schema).exists():
        provisioning.create_workspace(
            company_name="演示科技有限公司 Demo Tech", subdomain=DEMO_SUBDOMAIN, admin_name="王老板",
            email=DEMO_BOSS_EMAIL, password=DEMO_PASSWORD, language="zh-hans",
        )
        with schema_context(schema):
            _demo_staff()
    with schema_context(schema):
        _demo_seats(schema)
        _demo_customers()
        _demo_products()
        _demo_activities()
        _demo_opportunities()
        _demo_quotes()
        _demo_approvals()
        _demo_modules_on(schema)
        _demo_contracts_and_orders()
        _demo_receivables()
        _demo_contract_flow()
        _demo_expenses()
        _demo_targets()
        _demo_module_data()


# username, name, role, department, superior
DEMO_STAFF = (
    ("zhangwei", "张伟", "director", "销售中心", None),
    ("lina", "李娜", "manager", "销售一部", "zhangwei"),
    ("liuyang", "刘洋", "sales", "销售一部", "lina"),
    ("chenjing", "陈静", "sales", "销售一部", "lina"),
    ("zhaomin", "赵敏", "customer_service", "客服部", None),
    ("sunli", "孙丽", "warehouse_keeper", "仓储部", None),
)
# department, parent, leader
DEMO_DEPARTMENTS = (("销售中心", None, "zhangwei"), ("销售一部", "销售中心", "lina"), ("客服部", None, "zhaomin"),
                    ("仓储部", None, "sunli"))


def _demo_staff() -> None:
    """The staff (same password as the Boss) in a small org tree with their superiors, a
    sign-in each, and one failed attempt."""
    from saas_core.accounts.models import LoginAttempt, User
    from saas_core.org import services as org

    users = {}
    for username, name, role, _department, _superior in DEMO_STAFF:
        user = User(username=username, name=name, role=role, email=f"{username}@demo.example.com")
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[username] = user
        LoginAttempt.objects.create(
            ip="203.0.113.7", user_agent="Mozilla/5.0 (demo)", user=user, username=username,
            role=role, success=True, reason=LoginAttempt.Reason.OK,
        )
    departments = {}
    for name, parent, leader in DEMO_DEPARTMENTS:
        departments[name] = org.create_department(name=name, parent=departments.get(parent), leader=users[leader])
    for username, _name, _role, department, superior in DEMO_STAFF:
        User.objects.filter(pk=users[username].pk).update(
            department=departments[department], superior=users.get(superior) if superior else None)
    LoginAttempt.objects.create(
        ip="198.51.100.23", user_agent="curl/8.0", username="admin", success=False,
        reason=LoginAttempt.Reason.UNKNOWN_USER,
    )


# Modules the demo company has switched on where they are installed (their sample data comes from
# their ``crm_demo_data`` hook).
DEMO_MODULES_ON = ("inventory",)


def _demo_modules_on(schema: str) -> None:
    """Switch the installed ``DEMO_MODULES_ON`` on for the demo company (unless the vendor set them)."""
    from billing.models import Module, ModuleOverride
    from billing.overrides import set_override
    from plugins.manager import modules
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=schema)
    for key in DEMO_MODULES_ON:
        if (key in modules() and Module.objects.filter(key=key).exists()
                and not ModuleOverride.objects.filter(tenant=tenant, module__key=key).exists()):
            set_override(tenant, key, True)


def _demo_module_data() -> None:
    """The enabled modules' sample data (``crm_demo_data``), as the demo's Boss."""
    from plugins.enablement import hooks_for
    from saas_core.accounts.models import User

    boss = User.objects.filter(role="boss").order_by("pk").first()
    if boss is not None:
        hooks_for().crm_demo_data(user=boss)


# Monthly prices the demo gives the modules it finds installed (minor units).
DEMO_MODULE_PRICES = {"sms": 5000, "inventory": 30000, "call_center": 20000, "sfa": 15000}


def _demo_catalogue() -> None:
    """Two plans and prices for the installed modules, when the vendor has not set up a catalogue
    yet. Only installed modules are priced or included: the demo must not sell what is not there."""
    from billing.models import Module, Plan
    from plugins.catalogue import sync_modules

    if Plan.objects.exists():
        return
    sync_modules()
    for key, price in DEMO_MODULE_PRICES.items():
        Module.objects.installed().filter(key=key, price_minor=0).update(price_minor=price)
    Plan.objects.create(code="basic", name="基础版 Basic", price_per_seat_minor=5900, sort_order=1)
    standard = Plan.objects.create(code="standard", name="标准版 Standard", price_per_seat_minor=9900, sort_order=2)
    standard.included_modules.add(*Module.objects.installed().filter(key="sfa"))


def _demo_seats(schema: str) -> None:
    """The demo has more staff than a trial's seats: give its trial a seat for each of them, so
    the demo company stays within its seats (and the first price review passes)."""
    from billing import services
    from tenants.models import Tenant

    tenant = Tenant.objects.get(schema_name=schema)
    services.fit_trial_seats(tenant)


# name, kind, province, phone, owner (username), first contact: name, title, mobile
DEMO_CUSTOMERS = (
    ("北京华兴科技有限公司", "enterprise", "北京", "010-6234 5678", "liuyang", ("欧阳娜娜", "采购经理", "139 0571 0000")),
    ("北京银行科技支行", "enterprise", "北京", "010-8888 1234", "liuyang", ("王磊", "行长助理", "138 1000 2000")),
    ("重庆长安汽车配件有限公司", "enterprise", "重庆", "+86 23 6880 9911", "chenjing", ("李强", "总经理", "136 2300 1111")),
    ("上海恒通国际贸易有限公司", "enterprise", "上海", "021 5888 6666", "chenjing", ("张敏", "采购", "137 1700 3333")),
    ("厦门海联物流有限公司", "enterprise", "福建", "0592-212 3456", "lina", ("陈静怡", "运营总监", "139 0592 1234")),
    ("深圳市远航电子有限公司", "enterprise", "广东", "0755-8600 7788", "zhangwei", ("刘洋洋", "技术总监", "135 0755 8899")),
    ("杭州西湖茶业有限公司", "enterprise", "浙江", "0571-8765 4321", "liuyang", ("周婷", "店长", "158 5717 6543")),
    ("Pacific Rim Trading Co., Ltd.", "enterprise", "", "+1 415 555 0100", "zhangwei", ("John Smith", "Buyer", "+1 415 555 0101")),
    ("张三", "individual", "江苏", "", "chenjing", ("张三", "", "139 1234 5678")),
    ("李四", "individual", "四川", "", "liuyang", ("李四", "", "186 2800 4321")),
)


def _demo_customers() -> None:
    """A few customers with their first contacts, made the way staff make them (search keys,
    phones, data log); only in a demo company that has none yet."""
    from saas_core.accounts.models import User
    from saas_core.customers import services
    from saas_core.customers.models import Customer

    if Customer.all_objects.exists():
        return
    users = {u.username: u for u in User.objects.all()}
    boss = User.objects.filter(username=DEMO_BOSS_EMAIL).first() or next(iter(users.values()))
    for name, kind, province, phone, owner, (contact, title, mobile) in DEMO_CUSTOMERS:
        services.create_customer(
            by=boss, owner=users.get(owner, boss), name=name, kind=kind, province=province, phone=phone,
            contact={"name": contact, "title": title, "mobile": mobile}, confirm_duplicates=True, check_permission=False,
        )


def _demo_approvals() -> None:
    from saas_core.approvals.demo import make_demo_flow

    make_demo_flow()


def _demo_quotes() -> None:
    from saas_core.quotes.demo import make_demo_quotes

    make_demo_quotes()


def _demo_contracts_and_orders() -> None:
    from saas_core.orders.demo import make_demo_contracts_and_orders

    make_demo_contracts_and_orders()


def _demo_receivables() -> None:
    from saas_core.payments.demo import make_demo_receivables

    make_demo_receivables()
def _demo_contract_flow() -> None:
    from saas_core.contracts.demo import make_demo_contract_flow

    make_demo_contract_flow()


def _demo_expenses() -> None:
    from saas_core.expenses.demo import make_demo_expenses

    make_demo_expenses()


def _demo_targets() -> None:
    from saas_core.targets.demo import make_demo_targets

    make_demo_targets()


# customer name: (category, industry, status)
DEMO_PROFILES = {
    "北京华兴科技有限公司": ("vip", "it", "intention"),
    "北京银行科技支行": ("normal", "finance", "prospect"),
    "重庆长安汽车配件有限公司": ("normal", "machinery", "signed"),
    "上海恒通国际贸易有限公司": ("partner", "retail", "intention"),
    "深圳市远航电子有限公司": ("vip", "electronics", "signed"),
    "Pacific Rim Trading Co., Ltd.": ("agent", "retail", "prospect"),
}

# customer, follow-up type, result, subject, days ago, next follow-up in days (None: none)
DEMO_FOLLOWUPS = (
    ("北京华兴科技有限公司", "visit", "interested", "上门演示新版系统，采购经理很感兴趣", 6, 1),
    ("北京华兴科技有限公司", "call", "quoted", "电话确认报价细节，已发正式报价单", 1, 0),
    ("北京银行科技支行", "wechat", "follow_again", "微信沟通需求，等待行内立项", 3, 4),
    ("重庆长安汽车配件有限公司", "meeting", "meeting_set", "季度回顾会议，约定下周现场培训", 2, 5),
    ("上海恒通国际贸易有限公司", "email", "follow_again", "发送合作方案，对方内部评估中", 8, 0),
    ("深圳市远航电子有限公司", "call", "interested", "技术总监询问接口对接方案", 0, 2),
    ("杭州西湖茶业有限公司", "visit", "not_reached", "到店拜访，店长不在，留下资料", 12, None),
    ("Pacific Rim Trading Co., Ltd.", "video", "interested", "Video call: pricing for the US market", 4, 3),
)


def _items(type_key: str) -> dict:
    from saas_core.dictionaries.models import DictionaryItem

    return {i.key: i for i in DictionaryItem.objects.filter(type__key=type_key)}


def _at(day, hour: int, minute: int = 0):
    from saas_core.activities.services import day_start

    return day_start(day) + timedelta(hours=hour, minutes=minute)


def _demo_activities() -> None:
    """Follow-ups of the last two weeks, today's schedules, tasks at every step, yesterday's
    daily report and a care record; only in a demo company that has no follow-ups yet."""
    from django.db import transaction

    from saas_core.activities.models import FollowUp
    from saas_core.org.models import Department

    # A demo made by an older version has no org tree: its managers would see none of this.
    if FollowUp.all_objects.exists() or not Department.objects.filter(name=DEMO_DEPARTMENTS[1][0]).exists():
        return
    with transaction.atomic():
        _make_activities()


def _make_activities() -> None:
    from django.utils import timezone

    from saas_core.accounts.models import Role, User
    from saas_core.activities import care, reports, services
    from saas_core.customers.models import Contact, Customer

    users = {u.username: u for u in User.objects.all()}
    boss = users.get(DEMO_BOSS_EMAIL) or User.objects.filter(role=Role.BOSS).first()
    customers = {c.name: c for c in Customer.objects.select_related("owner")}
    categories, industries = _items("customer_category"), _items("industry")
    for name, (category, industry, status) in DEMO_PROFILES.items():
        if name in customers:
            Customer.objects.filter(pk=customers[name].pk).update(
                category=categories.get(category), industry=industries.get(industry), status=status)
    kinds, results = _items("activity_type"), _items("follow_up_result")
    today = timezone.localdate()
    for name, kind, result, subject, days_ago, next_in in DEMO_FOLLOWUPS:
        customer = customers.get(name)
        if customer is None:
            continue
        happened = min(_at(today - timedelta(days=days_ago), 10 + days_ago % 6), timezone.now())
        services.save_followup(
            None, by=customer.owner, customer=customer, contact=customer.contacts.first(), kind=kinds.get(kind),
            result=results.get(result), subject=subject, happened_at=happened,
            next_on=today + timedelta(days=next_in) if next_in is not None else None)
    schedule_types, priorities = _items("schedule_type"), _items("task_priority")
    sales, other = users.get("liuyang", boss), users.get("chenjing", boss)
    manager = users.get("lina", boss)
    now = timezone.now()
    services.create_task(
        by=sales, kind="schedule", title="拜访北京华兴科技，确认合同条款", schedule_type=schedule_types.get("visit"),
        customer=customers.get("北京华兴科技有限公司"), starts_at=_at(today, 15), remind_at=_at(today, 14, 30))
    services.create_task(
        by=boss, kind="schedule", title="销售周会", schedule_type=schedule_types.get("meeting"),
        starts_at=now + timedelta(minutes=30), remind_at=now + timedelta(minutes=15),
        assignees=[u for u in (boss, manager, sales, other) if u])
    services.create_task(
        by=manager, kind="task", title="整理重庆长安培训资料", priority=priorities.get("high"),
        customer=customers.get("重庆长安汽车配件有限公司"), starts_at=_at(today, 9),
        ends_at=_at(today + timedelta(days=2), 18), assignees=[other])
    quote = services.create_task(
        by=boss, kind="task", title="给深圳远航发接口对接方案", priority=priorities.get("urgent"),
        customer=customers.get("深圳市远航电子有限公司"), starts_at=_at(today, 9), ends_at=_at(today, 18),
        assignees=[sales])
    services.mark_done(quote, by=sales)  # the Boss sees it waiting for confirmation
    yesterday = today - timedelta(days=1)
    reports.save_report(by=sales, day=yesterday, summary="拜访华兴科技并确认报价；跟进北京银行立项进度。",
                        plan="下午拜访华兴科技确认合同条款；给远航电子发对接方案。", submit=True)
    # A birthday in a few days: the care page lists it and the daily job reminds the owner.
    soon = today + timedelta(days=3)
    Contact.objects.filter(name="周婷").update(birthday=soon.replace(year=1990) if (soon.month, soon.day) != (2, 29)
                                              else date(1990, 2, 28))
    shanghai = customers.get("上海恒通国际贸易有限公司")
    if shanghai is not None:
        care.save_care_record(None, by=shanghai.owner, customer=shanghai, contact=shanghai.contacts.first(),
                              kind=_items("care_type").get("anniversary"), subject="合作三周年，寄送纪念茶礼",
                              day=today - timedelta(days=2))


# category path, code, name, spec, unit, quote, deal, vip, wholesale, cost (PRD-01)
DEMO_PRODUCTS = (
    ("办公设备 / 打印机", "DY-100", "激光打印机", "A4 黑白 30页/分", "台", "1999", "1850", "1800", "1700", "1350"),
    ("办公设备 / 打印机", "DY-200", "彩色喷墨打印机", "A4 彩色 无线", "台", "1299", "1199", "1150", "1080", "860"),
    ("办公设备 / 复印机", "FY-500", "数码复合机", "A3 复印/打印/扫描", "台", "12800", "12000", "11800", "11200", "9200"),
    ("办公耗材 / 纸张", "ZZ-A4", "A4 复印纸", "70g 500张×8包", "箱", "128", "120", "115", "105", "88"),
    ("办公耗材 / 纸张", "ZZ-A3", "A3 复印纸", "80g 500张×5包", "箱", "168", "158", "150", "140", "118"),
    ("办公耗材 / 硒鼓墨盒", "XG-12A", "原装硒鼓", "适用 DY-100", "个", "399", "369", "359", "339", "260"),
    ("软件服务", "RJ-CRM", "CRM 年度订阅", "每用户每年", "套", "1200", "1080", "1000", "960", ""),
    ("软件服务", "RJ-IMPL", "实施服务", "按人天", "人天", "2000", "1800", "1800", "1600", "900"),
)


def _demo_products() -> None:
    """A small catalogue in a category tree with the four price strategies and cost prices (the
    old fax machine discontinued, one cost waiting for review), made through the product services;
    only in a demo company that has no products yet."""
    from saas_core.accounts.models import User
    from saas_core.products import services
    from saas_core.products.models import Product

    if Product.all_objects.exists():
        return
    boss = User.objects.filter(username=DEMO_BOSS_EMAIL).first() or User.objects.filter(role="boss").first()
    for path, code, name, spec, unit, quote, deal, vip, wholesale, cost in DEMO_PRODUCTS:
        services.create_product(
            by=boss, check_permission=False, code=code, name=name, spec=spec, unit=unit,
            category=services.ensure_category_path(path, by=boss), needs_cost_review=not cost,
            prices={"quote": quote, "deal": deal, "vip": vip, "wholesale": wholesale}, cost_price=cost or None,
        )
    services.create_product(by=boss, check_permission=False, code="CZ-01", name="传真机", unit="台", discontinued=True,
                            category=services.ensure_category_path("办公设备", by=boss), prices={"quote": "699"})


# customer, subject, type (English name), stage (English name), expected amount, sign in days, lost reason key
DEMO_OPPORTUNITIES = (
    ("北京华兴科技有限公司", "华兴科技 CRM 全员版采购", "New business", "Negotiation", "186000.00", 12, None),
    ("北京华兴科技有限公司", "华兴科技 二期接口开发", "Upsell to existing customer", "Initial contact", "45000.00", 60, None),
    ("北京银行科技支行", "科技支行 客户管理系统立项", "Tender", "Tender documents bought", "520000.00", 45, None),
    ("重庆长安汽车配件有限公司", "长安配件 年度续约", "Renewal", "Won", "68000.00", -5, None),
    ("上海恒通国际贸易有限公司", "恒通贸易 渠道合作方案", "New business", "Needs analysis", "98000.00", 30, None),
    ("深圳市远航电子有限公司", "远航电子 生产数据对接", "New business", "Proposal and quote", "132500.00", 20, None),
    ("杭州西湖茶业有限公司", "西湖茶业 门店会员系统", "New business", "Lost", "36000.00", -10, "price"),
    ("Pacific Rim Trading Co., Ltd.", "Pacific Rim: US market licences", "New business", "Initial contact",
     "75000.00", 90, None),
)


def _demo_opportunities() -> None:
    """Opportunities in every stage of the standard process (one won, one lost with its reason),
    made and moved through the services, so each has its stage history; once per company."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from saas_core.accounts.models import Role, User
    from saas_core.activities import services as activities
    from saas_core.customers.models import Customer
    from saas_core.opportunities import services
    from saas_core.opportunities.models import Opportunity, OpportunityType

    if Opportunity.all_objects.exists() or not Customer.objects.exists():
        return
    boss = User.objects.filter(role=Role.BOSS).order_by("pk").first()
    customers = {c.name: c for c in Customer.objects.select_related("owner")}
    types = {t.name_en: t for t in OpportunityType.objects.all()}
    sources, reasons = _items("opportunity_source"), _items("lost_reason")
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        for i, (name, subject, type_name, stage_name, amount, sign_in, reason) in enumerate(DEMO_OPPORTUNITIES):
            customer, kind = customers.get(name), types.get(type_name)
            if customer is None or kind is None:
                continue
            owner = customer.owner or boss
            deal = services.create_opportunity(
                by=owner, customer=customer, subject=subject, type=kind, owner=owner,
                found_on=today - timedelta(days=20 + i), source=list(sources.values())[i % len(sources)] if sources else None,
                expected_amount=Decimal(amount), expected_sign_on=today + timedelta(days=sign_in),
                contacts=list(customer.contacts.all()[:1]), requirements="客户需求已初步确认。",
                check_permission=False, at=now - timedelta(days=20 + i))
            # Walk the stages up to the target, a few days apart, as a salesperson would.
            stages = services.stages_of(kind)
            target = next(s for s in stages if s.name_en == stage_name)
            path = [s for s in stages if s.outcome == "open" and s.position <= target.position and s != deal.stage]
            if target.outcome != "open":
                path = [s for s in stages if s.outcome == "open"][1:3] + [target]
            for step, stage in enumerate(path, start=1):
                services.change_stage(
                    deal, by=owner, stage=stage, check_permission=False, note="",
                    lost_reason=reasons.get(reason) if stage.outcome == "lost" else None,
                    at=now - timedelta(days=20 + i - 5 * step))
        first = Opportunity.objects.filter(subject="华兴科技 CRM 全员版采购").first()
        if first is not None:
            activities.create_task(
                by=first.owner, kind="task", title="准备华兴科技合同谈判材料", customer=first.customer, opportunity=first,
                starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
