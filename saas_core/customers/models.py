"""Customers, their contacts, phone numbers (for matching) and shares."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.dictionaries.fields import DictionaryForeignKey
from saas_core.records.models import BusinessRecord
from saas_core.records.registry import business_record

SEARCH_FIELDS = ("search_tokens", "search_initials", "search_spelled")
# A contact's birthday month: the expression of the contact_birthday_month index, which the
# "birthdays this month" filters use as it is so that PostgreSQL can match it to the index.
BIRTHDAY_MONTH = ExtractMonth("birthday")


class SearchKeysMixin(models.Model):
    """Pinyin/CJK search keys computed on save (see customers.search_keys)."""

    search_tokens = ArrayField(models.CharField(max_length=40), default=list, editable=False)
    search_initials = models.TextField(default="", editable=False)
    search_spelled = models.TextField(default="", editable=False)

    class Meta:
        abstract = True


def shared_with(user) -> Q:
    """Customers shared with ``user`` by a share that has not expired (CUS-05)."""
    now = timezone.now()
    return Q(shares__user=user) & (Q(shares__expires_at__isnull=True) | Q(shares__expires_at__gt=now))


def _after_restore(model, pks) -> None:
    from saas_core.customers.services import after_restore

    after_restore(model, pks)


@business_record(
    module="customers", owner_field="owner", label_field="name", shared=shared_with,
    history_exclude=SEARCH_FIELDS, after_restore=_after_restore,
)
class Customer(SearchKeysMixin, BusinessRecord):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        INDIVIDUAL = "individual", _("Individual")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        INTENTION = "intention", _("Intention")
        PAUSED = "paused", _("Paused")
        SIGNED = "signed", _("Signed")

    number = models.CharField(_("customer number"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ENTERPRISE)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROSPECT)
    category = DictionaryForeignKey("customer_category", _("category"))
    grade = DictionaryForeignKey("customer_grade", _("grade"))
    customer_type = DictionaryForeignKey("customer_type", _("customer type"))
    industry = DictionaryForeignKey("industry", _("industry"))
    source = DictionaryForeignKey("customer_source", _("source"))
    value_class = DictionaryForeignKey("value_class", _("value class"))
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    remark = models.TextField(_("remark"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent customer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="children",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_hot = models.BooleanField(_("hot"), default=False)
    heat = models.PositiveSmallIntegerField(
        _("heat"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    hot_reason = DictionaryForeignKey("hot_reason", _("hot reason"))
    hot_until = models.DateField(_("hot until"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    next_contact_at = models.DateTimeField(_("next contact"), null=True, blank=True)
    # Files (saas_core.attachments): they go to the recycle bin, come back and are purged with the customer.
    attachments = GenericRelation(
        "attachments.Attachment", content_type_field="parent_type", object_id_field="parent_id",
        related_query_name="customer",
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=Q(deleted_at__isnull=True), name="customer_number_unique"),
        ]
        indexes = [
            GinIndex(fields=["search_tokens"], name="customer_search_gin"),
            # List pages: the default order, and the same within one owner (Sales scope).
            models.Index(fields=["-created_at", "-id"], name="customer_recent",
                         condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["owner", "-created_at", "-id"], name="customer_owner_recent",
                         condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["number"], name="customer_number_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name"], name="customer_name_exact"),
            models.Index(fields=["hot_until"], name="customer_hot_until", condition=Q(is_hot=True)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        """Province, city and district as one reads them (北京市 海淀区: a municipality is its own city)."""
        return " ".join(dict.fromkeys(p for p in (self.province, self.city, self.district) if p))


@business_record(
    module="contacts", owner_field="customer__owner", label_field="name", history_exclude=SEARCH_FIELDS,
    after_restore=_after_restore,
)
class Contact(SearchKeysMixin, BusinessRecord):
    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    department = models.CharField(_("department"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    qq = models.CharField(_("QQ"), max_length=20, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    role = DictionaryForeignKey("contact_role", _("business role"))
    category = DictionaryForeignKey("contact_category", _("category"))
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    remark = models.TextField(_("remark"), blank=True)
    surname = models.CharField(_("surname"), max_length=10, blank=True, editable=False)
    surname_initial = models.CharField(max_length=1, blank=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer_id", "-is_primary", "id"]
        indexes = [
            GinIndex(fields=["search_tokens"], name="contact_search_gin"),
            models.Index(fields=["customer", "-is_primary", "id"], name="contact_by_customer"),
            # The contact list's 百家姓 index and "birthdays this month", each in the list's default
            # order, so a page of them is read off the index and stops at the page's end.
            models.Index(fields=["surname_initial", "customer", "-is_primary", "id"], name="contact_surname_initial",
                         condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["surname", "customer", "-is_primary", "id"], name="contact_surname",
                         condition=Q(deleted_at__isnull=True)),
            models.Index(BIRTHDAY_MONTH, F("customer"), F("is_primary").desc(), F("id"), name="contact_birthday_month",
                         condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.name


class PhoneNumber(models.Model):
    """Every number of a customer and its contacts, reversed, for "ends with" searches and
    duplicate warnings; kept in step by customers.services."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phone_numbers")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phone_numbers")
    digits = models.CharField(max_length=30)
    reversed_digits = models.CharField(max_length=30)

    class Meta:
        indexes = [
            models.Index(fields=["reversed_digits"], name="phone_suffix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["digits"], name="phone_exact"),
        ]

    def __str__(self) -> str:
        return self.digits


class CustomerShare(models.Model):
    class Level(models.TextChoices):
        READ = "read", pgettext_lazy("share level", "Read")
        WRITE = "write", _("Read and write")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=5, choices=Level.choices, default=Level.READ)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "user"], name="one_share_per_user")]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.user_id} ({self.level})"
