"""``crm ami`` (``crm manage ami_adapter``): the Asterisk adapter for every company (README)."""

from __future__ import annotations

import asyncio
import signal

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Connect to every company's Asterisk PBX (AMI) and feed its calls to the call center."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--refresh", type=float, default=30,
                            help="seconds between re-reading which companies have a PBX (default 30)")

    def handle(self, *args, refresh: float, **options) -> None:
        from plugins.call_center.ami import Supervisor

        async def main() -> None:
            supervisor = Supervisor(refresh_seconds=refresh)
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, supervisor.stop)
            await supervisor.run()

        asyncio.run(main())
