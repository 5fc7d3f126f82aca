"""``crm``: the operator's command line (run, demo, migrate, create-tenant, backup, restore,
refund-uninstalled-modules, ami, bench, manage)."""

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


def migrate(verbosity: int = 1, workers: int | None = None, wait: float = 0, only: list[str] | None = None) -> None:
    """Public schema, then the template new workspaces are cloned from, then the companies that
    are behind, in parallel (tenants.upgrade); exits 2 when another run holds the lock or public
    or the template fails. A company that fails is recorded and read-only; the others go on."""
    _setup_django()
    from django.core.exceptions import ImproperlyConfigured

    from tenants import upgrade
    from tenants.dbcheck import require_configuration

    try:
        require_configuration("crm migrate")
    except ImproperlyConfigured as exc:
        raise SystemExit(f"error: {exc}") from None
    workers = workers or int(os.environ.get("CRM_MIGRATE_WORKERS", "4"))
    try:
        upgrade.migrate_all(workers=workers, wait=wait, verbosity=verbosity, only=only)
    except (upgrade.UpgradeLocked, upgrade.UpgradeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


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
    from saas_core.links import base_url

    print(f"created {ws.tenant.name} at {base_url(ws.host)}/ (Boss: {ws.boss.username})")


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


def localstripe_webhook_url(base_domain: str, web_port: int | str) -> str:
    """Where localstripe posts its events: the public site's host, not 127.0.0.1, which no
    company or the public site answers to (host routing gave localstripe a 404)."""
    return f"http://{base_domain}:{web_port}/stripe/webhook/"


def register_localstripe_webhook(api_base: str, url: str, secret: str) -> None:
    """Have localstripe post its events, signed with ``secret``, to ``url``."""
    import urllib.parse
    import urllib.request

    form = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    opener.open(urllib.request.Request(f"{api_base}/_config/webhooks/crm", data=form), timeout=5).close()  # noqa: S310 - http to loopback


def _wait_for_port(port: int, seconds: float) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)


def _start_localstripe(env: dict, base_domain: str, web_port: str) -> list:
    """Without STRIPE_API_BASE, a localstripe server on loopback stands in for Stripe; it posts
    its webhooks to this server's /stripe/webhook/."""
    import importlib.util

    if env.get("STRIPE_API_BASE") or importlib.util.find_spec("localstripe") is None:
        return []
    port = int(env.get("LOCALSTRIPE_PORT", "8420"))
    proc = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_port(port, 10)
    base, secret = f"http://127.0.0.1:{port}", env.get("STRIPE_WEBHOOK_SECRET") or "whsec_local_dev"
    env.update(STRIPE_API_BASE=base, STRIPE_WEBHOOK_SECRET=secret)
    register_localstripe_webhook(base, localstripe_webhook_url(base_domain, web_port), secret)
    print(f"  localstripe (Stripe stand-in): {base}", flush=True)
    return [proc]


def _start_mail_catcher(env: dict):
    """Without EMAIL_HOST, the product's e-mail goes to a loopback catcher (saas_core.devmail)
    whose messages the public site lists at /dev/mail/; returns its controller, or None."""
    import importlib.util

    from saas_core import devmail
    from saas_core.embedded import DATA_DIR

    if env.get("EMAIL_HOST") or importlib.util.find_spec("aiosmtpd") is None:
        return None
    folder = DATA_DIR / "dev-mail"
    controller = devmail.start_catcher(folder)
    env.update(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
               EMAIL_PORT=str(controller.port), DEV_MAIL_DIR=str(folder))
    return controller


def wait_until_answering(url: str, host: str, procs: list, seconds: float = 180, stopped=lambda: False) -> bool:
    """Poll ``url`` (any HTTP answer counts, even 404) until the web server answers; False when
    a process died (or Ctrl+C came) first or the time ran out."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stopped() or any(p.poll() is not None for p in procs):
            return False
        try:
            opener.open(urllib.request.Request(url, headers={"Host": host}), timeout=2).close()  # noqa: S310 - http to loopback
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.2)
    return False


def _announce_when_answering(host: str, port: str, base: str, procs: list, catcher, stopped) -> None:
    """The banner, printed once the web server answers (uvicorn takes seconds to import the
    project), so its links work when they appear; an error if the server never came up."""
    print("  Waiting for the web server to answer …", flush=True)
    poll_address = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
    if not wait_until_answering(f"http://{poll_address}:{port}/", f"{base}:{port}", procs, stopped=stopped):
        if not stopped():
            print("error: the web server did not answer (see its messages above); stopping.", file=sys.stderr,
                  flush=True)
            for p in procs:
                if p.poll() is None:
                    p.terminate()
        return
    mail = f"  Mail sent (dev run):     http://{base}:{port}/dev/mail/\n" if catcher else ""
    reach = ("  Listening on all interfaces (--public).\n" if host == "0.0.0.0"  # noqa: S104
             else f"  Listening on {host} only (--public for all interfaces).\n")
    print(
        "\nCRM is running.\n"
        f"  Public site and signup: http://{base}:{port}/\n"
        f"  Demo workspace:         http://{DEMO_SUBDOMAIN}.{base}:{port}/\n"
        f"  Demo login:             {DEMO_BOSS_EMAIL} / {DEMO_PASSWORD}\n"
        f"  API docs:               http://{DEMO_SUBDOMAIN}.{base}:{port}/api/v1/docs/\n"
        f"{mail}{reach}"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )


def listen_address(args: argparse.Namespace) -> str:
    return "0.0.0.0" if args.public else args.host  # noqa: S104 - asked for with --public


def web_server_command(*, host: str, port: str, app: str = "saas_core.asgi:application") -> list[str]:
    """uvicorn serving ``app``. Without ``--no-proxy-headers`` uvicorn believes X-Forwarded-For from
    127.0.0.1 and puts its address in the request, so a client on this host (or behind a local
    proxy that passes the header on) chose its own address: a fresh sign-in lock and rate limit
    per forged address. Only ``TRUSTED_PROXIES`` (saas_core.net) decides whom to believe."""
    return [sys.executable, "-m", "uvicorn", app, "--host", host, "--port", str(port), "--no-proxy-headers"]


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
    env.setdefault("PUBLIC_PORT", port)  # links in e-mails (saas_core.links) name the dev port
    host = listen_address(args)
    base = settings.BASE_DOMAIN
    procs = _start_localstripe(env, base, port)
    catcher = _start_mail_catcher(env)
    procs += [
        subprocess.Popen([*web_server_command(host=host, port=port), "--no-access-log"], env=env),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "saas_core", "worker", "-l", "warning",
                          "--concurrency", "2"], env=env),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "saas_core", "beat", "-l", "warning",
                          "-s", str(Path(settings.STATIC_ROOT).parent / "celerybeat-schedule")], env=env),
    ]
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        _announce_when_answering(host, port, base, procs, catcher, stopped=lambda: stopping)
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
        if catcher is not None:
            catcher.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm", description="Operate the CRM.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the product (embedded services when no URLs are set)")
    # Loopback by default: a laptop's dev run is not for the café's network.
    p_run.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p_run.add_argument("--public", action="store_true", help="listen on all interfaces (0.0.0.0)")
    p_run.add_argument("--port", type=int, default=8000)
    sub.add_parser("stop", help="stop the embedded PostgreSQL and Redis of this data folder")
    p_migrate = sub.add_parser("migrate", help="migrate public, the template and every company that is behind")
    p_migrate.add_argument("--workers", type=int, default=None,
                           help="companies migrated at once (default: CRM_MIGRATE_WORKERS or 4)")
    p_migrate.add_argument("--wait", type=float, default=0,
                           help="seconds to wait for another crm migrate to finish (default: refuse at once)")
    p_migrate.add_argument("--company", action="append", metavar="SCHEMA",
                           help="only this company's schema (repeatable), e.g. t_acme")
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
    p_ami = sub.add_parser("ami", help="the Asterisk (AMI) adapter of the call-center module, for every company")
    p_ami.add_argument("--refresh", type=float, default=30, help="seconds between re-reading the companies' settings")
    p_manage = sub.add_parser("manage", help="run a Django management command")
    p_manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)

    if args.command == "run":
        run(args)
    elif args.command == "stop":
        from saas_core.embedded import stop_embedded

        print("stopped: " + (", ".join(stop_embedded()) or "nothing was running"))
    elif args.command == "migrate":
        migrate(workers=args.workers, wait=args.wait, only=args.company)
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
    elif args.command == "ami":
        _setup_django()
        from django.core.management import call_command

        call_command("ami_adapter", refresh=args.refresh)
    elif args.command == "manage":
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["crm manage", *args.rest])


if __name__ == "__main__":
    main()
