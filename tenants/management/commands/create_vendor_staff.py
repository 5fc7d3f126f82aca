from django.core.management.base import BaseCommand, CommandError

from tenants.console.staff import create_vendor_staff


class Command(BaseCommand):
    help = "Create (or reset the password of) a vendor staff account for the vendor console."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args, email, password, name, **options):
        from django.core.exceptions import ValidationError

        try:
            user, created = create_vendor_staff(email=email, password=password, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{'created' if created else 'updated'} vendor staff {user.username}")
