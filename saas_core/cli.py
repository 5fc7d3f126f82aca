"""``crm``: the operator's command line (run, demo, migrate, create-tenant, backup, restore,
refund-uninstalled-modules, bench, manage)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from saas_core.demo import DEMO_BOSS_EMAIL, DEMO_PASSWORD, DEMO_SUBDOMAIN


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


def backup(args: argparse.Namespace) -> None:
    """``crm backup [--company SUBDOMAIN] --output FILE`` (tenants.backup)."""
    _setup_django()
    from tenants import backup as backups

    try:
        if args.company:
            path = backups.backup_company(args.company, Path(args.output))
        else:
            path = backups.backup_installation(Path(args.output))
    except backups.BackupError as exc:
        raise SystemExit(f"error: {exc}") from None
    print(f"backup written to {path} ({path.stat().st_size} bytes)")


def restore(args: argparse.Namespace) -> None:
    """``crm restore FILE [--subdomain NEW]``: a company backup, or a whole installation's."""
    _setup_django()
    from tenants import backup as backups

    try:
        if backups.archive_kind(Path(args.archive)) == "installation":
            if args.subdomain:
                raise backups.BackupError("--subdomain applies to a company backup; this is a whole installation's")
            backups.restore_installation(Path(args.archive))
            print("installation restored; run `crm migrate` next if this code is newer than the backup")
        else:
            restored = backups.restore_company(Path(args.archive), args.subdomain)
            print(f"restored {restored.tenant.name} at {restored.host} ({restored.files} files)")
    except backups.BackupError as exc:
        raise SystemExit(f"error: {exc}") from None


def demo() -> None:
    """Create the demo company with its staff and sample data, once (``saas_core.demo``)."""
    _setup_django()
    from saas_core import demo as demo_data

    demo_data.seed()


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
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command

    from tenants.dbcheck import require_fitting_server

    try:
        require_fitting_server("crm run")
    except ImproperlyConfigured as exc:
        raise SystemExit(f"error: {exc}") from None
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
    p_backup = sub.add_parser("backup", help="back up the whole installation, or one company with --company")
    p_backup.add_argument("--company", help="the company's subdomain; omit for the whole installation")
    p_backup.add_argument("--output", required=True, help="the archive file to write")
    p_restore = sub.add_parser("restore", help="restore a backup made by `crm backup`")
    p_restore.add_argument("archive")
    p_restore.add_argument("--subdomain", help="restore the company under this (free) subdomain")
    sub.add_parser("refund-uninstalled-modules",
                   help="end add-on subscriptions to modules that are not installed here and refund them (once)")
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
    elif args.command == "backup":
        backup(args)
    elif args.command == "restore":
        restore(args)
    elif args.command == "refund-uninstalled-modules":
        _setup_django()
        from django.core.management import CommandError, call_command

        try:
            call_command("refund_uninstalled_modules")
        except CommandError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
    elif args.command == "manage":
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["crm manage", *args.rest])


if __name__ == "__main__":
    main()
