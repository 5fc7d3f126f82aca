from __future__ import annotations

import factory

from saas_core.accounts.models import Role, User

PASSWORD = "Correct-Horse-77"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.SALES
    language = "en"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "billing.Module"
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"mod{n}")
    name = factory.LazyAttribute(lambda m: f"Module {m.key}")
    price_minor = 5000
    currency = "CNY"


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "billing.Plan"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan{n}")
    name = factory.LazyAttribute(lambda p: f"Plan {p.code}")
    price_per_seat_minor = 9900
    currency = "CNY"
    min_seats = 1
