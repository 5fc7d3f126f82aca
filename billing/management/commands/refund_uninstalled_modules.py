from django.core.management.base import BaseCommand, CommandError

from billing.uninstalled import refund_uninstalled_modules


class Command(BaseCommand):
    help = ("End every add-on subscription to a module whose plugin is not installed here and refund what was "
            "paid for it; one line per company. Safe to run again.")

    def handle(self, *args, **options):
        outcomes = refund_uninstalled_modules()
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        if not outcomes:
            self.stdout.write("no company has an add-on module that is not installed")
        failed = [o for o in outcomes if o.error]
        if failed:
            raise CommandError(f"{len(failed)} compan{'y' if len(failed) == 1 else 'ies'} failed; run again "
                               "when Stripe answers")
