"""``crm``: the operator's command line (run, demo, migrate, create-tenant, bench, manage)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DEMO_SUBDOMAIN = "demo"
DEMO_BOSS_EMAIL = "boss@demo.example.com"
DEMO_PASSWORD = "Demo-2026-crm"  # noqa: S105 - the published demo login


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_core.settings")
    import django

    django.setup()


def migrate(verbosity: int = 1) -> None:
    """Public schema, then the template new workspaces are cloned from, then every tenant."""
    _setup_django()
    from django.core.management import call_command

    from tenants import provisioning

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    provisioning.ensure_public_tenant()
    provisioning.ensure_template_schema()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)


def create_tenant(args: argparse.Namespace) -> None:
    _setup_django()
    from django.core.exceptions import ValidationError

    from tenants import provisioning

    try:
        ws = provisioning.create_workspace(
            company_name=args.name, subdomain=args.subdomain, admin_name=args.admin_name,
            email=args.email, password=args.password, language=args.language,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                print(f"error: {field}: {message}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"created {ws.tenant.name} at http://{ws.host}:8000/ (Boss: {ws.boss.username})")


def demo() -> None:
    """Create the demo company with a Boss, a few staff and some sign-in history, once."""
    _setup_django()
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import LoginAttempt, Role, User
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
            staff = [
                ("zhangwei", "张伟", Role.DIRECTOR), ("lina", "李娜", Role.MANAGER),
                ("liuyang", "刘洋", Role.SALES), ("chenjing", "陈静", Role.SALES),
                ("zhaomin", "赵敏", Role.CUSTOMER_SERVICE), ("sunli", "孙丽", Role.WAREHOUSE_KEEPER),
            ]
            for username, name, role in staff:
                user = User(username=username, name=name, role=role, email=f"{username}@demo.example.com")
                user.set_password(DEMO_PASSWORD)
                user.save()
                LoginAttempt.objects.create(
                    ip="203.0.113.7", user_agent="Mozilla/5.0 (demo)", user=user, username=username,
                    role=role, success=True, reason=LoginAttempt.Reason.OK,
                )
            LoginAttempt.objects.create(
                ip="198.51.100.23", user_agent="curl/8.0", username="admin", success=False,
                reason=LoginAttempt.Reason.UNKNOWN_USER,
            )
    with schema_context(schema):
        _demo_customers()


def _demo_catalogue() -> None:
    """Two plans and the built-in modules, when the vendor has not set up a catalogue yet."""
    from billing.models import Module, Plan

    if Plan.objects.exists():
        return
    modules = {key: Module.objects.get_or_create(key=key, defaults={"name": name, "price_minor": price})[0]
               for key, name, price in (("inventory", "进销存 Inventory & purchasing", 30000),
                                        ("call_center", "呼叫中心 Call center", 20000), ("sfa", "SFA 销售流程", 15000))}
    Plan.objects.create(code="basic", name="基础版 Basic", price_per_seat_minor=5900, sort_order=1)
    standard = Plan.objects.create(code="standard", name="标准版 Standard", price_per_seat_minor=9900, sort_order=2)
    standard.included_modules.add(modules["sfa"])


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


def _start_localstripe(env: dict, web_port: str) -> list:
    """Without STRIPE_API_BASE, a localstripe server on loopback stands in for Stripe; it posts
    its webhooks to this server's /stripe/webhook/."""
    import importlib.util
    import socket
    import urllib.parse
    import urllib.request

    if env.get("STRIPE_API_BASE") or importlib.util.find_spec("localstripe") is None:
        return []
    port = int(env.get("LOCALSTRIPE_PORT", "8420"))
    proc = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    base, secret = f"http://127.0.0.1:{port}", env.get("STRIPE_WEBHOOK_SECRET") or "whsec_local_dev"
    env.update(STRIPE_API_BASE=base, STRIPE_WEBHOOK_SECRET=secret)
    form = urllib.parse.urlencode({"url": f"http://127.0.0.1:{web_port}/stripe/webhook/", "secret": secret})
    urllib.request.urlopen(urllib.request.Request(f"{base}/_config/webhooks/crm", data=form.encode()), timeout=5)  # noqa: S310
    print(f"  localstripe (Stripe stand-in): {base}", flush=True)
    return [proc]


def run(args: argparse.Namespace) -> None:
    """Start everything: services, migrations, demo data, web server, worker and beat."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    migrate(verbosity=0)
    demo()
    call_command("collectstatic", interactive=False, verbosity=0)
    env = dict(os.environ)  # carries DATABASE_URL / REDIS_URL of the embedded servers
    port = str(args.port)
    procs = _start_localstripe(env, port)
    procs += [
        subprocess.Popen([sys.executable, "-m", "uvicorn", "saas_core.asgi:application", "--host", args.host,
                          "--port", port, "--no-access-log"], env=env),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "saas_core", "worker", "-l", "warning",
                          "--concurrency", "2"], env=env),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "saas_core", "beat", "-l", "warning",
                          "-s", str(Path(settings.STATIC_ROOT).parent / "celerybeat-schedule")], env=env),
    ]
    base = settings.BASE_DOMAIN
    print(
        "\nCRM is running.\n"
        f"  Public site and signup: http://{base}:{port}/\n"
        f"  Demo workspace:         http://{DEMO_SUBDOMAIN}.{base}:{port}/\n"
        f"  Demo login:             {DEMO_BOSS_EMAIL} / {DEMO_PASSWORD}\n"
        f"  API docs:               http://{DEMO_SUBDOMAIN}.{base}:{port}/api/v1/docs/\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="crm", description="Operate the CRM.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the product (embedded services when no URLs are set)")
    p_run.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a server listens on all interfaces
    p_run.add_argument("--port", type=int, default=8000)
    sub.add_parser("stop", help="stop the embedded PostgreSQL and Redis of this data folder")
    sub.add_parser("migrate", help="migrate public, the template and every tenant schema")
    sub.add_parser("demo", help="create the demo company if it is missing")
    p_ct = sub.add_parser("create-tenant", help="create a company workspace")
    p_ct.add_argument("--name", required=True)
    p_ct.add_argument("--subdomain", required=True)
    p_ct.add_argument("--admin-name", required=True)
    p_ct.add_argument("--email", required=True)
    p_ct.add_argument("--password", required=True)
    p_ct.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
    p_manage = sub.add_parser("manage", help="run a Django management command")
    p_manage.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "run":
        run(args)
    elif args.command == "stop":
        from saas_core.embedded import stop_embedded

        print("stopped: " + (", ".join(stop_embedded()) or "nothing was running"))
    elif args.command == "migrate":
        migrate()
    elif args.command == "demo":
        migrate(verbosity=0)
        demo()
    elif args.command == "create-tenant":
        create_tenant(args)
    elif args.command == "manage":
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["crm manage", *args.rest])


if __name__ == "__main__":
    main()
