"""Importing customers with their first contact (CUS-08), registered with saas_core.imports.

Columns are the customer's fields and its first contact's; dictionary values are matched by
their Chinese or English label or their code, the owner by name, user name or e-mail.

Duplicates (as ``services.find_duplicates`` sees them): the same full name, or any same phone
number (7+ digits) of the customer or the contact, among live customers of the whole company
and among the earlier rows of the file.

Saving: new customers go through ``customers.bulk.create_customers`` (the validation of
``create_customer``, in a few queries per batch); should the bulk insert fail, the framework's
row-by-row path calls ``services.create_customer`` for each row, in a savepoint. Updates call
``services.update_customer`` (and ``save_contact``) per row, after the scope check of
``access.can_edit``.
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core import regions
from saas_core.customers import bulk, services
from saas_core.customers.access import can_edit
from saas_core.customers.models import Contact, Customer, PhoneNumber
from saas_core.customers.phones import normalise_phone
from saas_core.imports.dbcopy import text_array
from saas_core.imports.registry import (
    Column,
    Existing,
    Importer,
    Row,
    RowRejected,
    as_text,
    choice_parser,
    dictionary_parser,
    find_one,
    header_key,
    messages_of,
    parse_date,
    parse_email,
    parse_user,
    register_importer,
)
from saas_core.org.scope import visible

CUSTOMER_DICTIONARIES = {
    "category": "customer_category", "grade": "customer_grade", "customer_type": "customer_type",
    "industry": "industry", "source": "customer_source", "value_class": "value_class",
}
CONTACT_DICTIONARIES = {"contact_role": "contact_role", "contact_category": "contact_category"}


def _both(label) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return zh, en


def _choices(choices) -> list[tuple[str, tuple[str, ...]]]:
    return [(value, _both(label)) for value, label in choices]


@cache
def _choice(name: str):
    if name == "kind":
        return choice_parser([
            *_choices(Customer.Kind.choices), ("enterprise", ("公司", "企业客户", "单位", "company", "business")),
            ("individual", ("个人客户", "person", "personal")),
        ])
    if name == "status":
        return choice_parser(_choices(Customer.Status.choices))
    return choice_parser([("m", ("男", "male", "Male", "M")), ("f", ("女", "female", "Female", "F"))])


def _kind_parser(value, ctx):
    return _choice("kind")(value, ctx)


def _status_parser(value, ctx):
    return _choice("status")(value, ctx)


def _gender_parser(value, ctx):
    return _choice("gender")(value, ctx)


def parse_customer(value, ctx) -> Customer:
    """A customer the importing user may see, by its number or its exact name: the customer column
    of the documents' imports (opportunities, quotes ...)."""
    return find_one(visible(Customer.objects.all(), ctx["user"]), value, code_field="number", name_field="name",
                    missing=_("No customer you may see is called or numbered “%(value)s”."),
                    ambiguous=_("Several customers are called “%(value)s”: give the customer number."))


def _phone(value, ctx) -> str:
    text = as_text(value)
    if not normalise_phone(text):
        raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": text})
    return text


def _max(model, name) -> int | None:
    return model._meta.get_field(name).max_length


C, K = Customer, Contact
# The template's sample row names an obviously made-up customer (it used to be a demo company's
# name, so importing the template unchanged warned of a duplicate); a row still carrying it is
# rejected with a reason rather than imported (issue 14).
SAMPLE_NAME = gettext_lazy("Sample customer (delete this row before importing)")


@cache
def _sample_names() -> frozenset[str]:
    from saas_core.customers.search_keys import normalise

    names = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.add(normalise(str(SAMPLE_NAME)))
    return frozenset(names)


def _is_sample(name: str) -> bool:
    from saas_core.customers.search_keys import normalise

    return normalise(name) in _sample_names()


COLUMNS = [
    Column("name", "客户名称", "Customer name", required=True, max_length=_max(C, "name"),
           aliases=("客户", "公司名称", "公司", "企业名称", "单位名称", "名称", "company", "company name", "customer"),
           example=SAMPLE_NAME),
    Column("short_name", "简称", "Short name", max_length=_max(C, "short_name"), aliases=("客户简称",), example="示例"),
    Column("number", "客户编号", "Customer number", max_length=_max(C, "number"), aliases=("编号", "number", "no")),
    Column("kind", "客户性质", "Kind", repeats=True, parse=_kind_parser, aliases=("性质", "企业/个人", "type of customer"),
           example="企业"),
    Column("status", "客户状态", "Status", repeats=True, parse=_status_parser, aliases=("状态",), example="潜在"),
    Column("category", "客户分类", "Category", repeats=True, parse=dictionary_parser("customer_category"), aliases=("分类",),
           example="普通客户"),
    Column("grade", "客户级别", "Grade", repeats=True, parse=dictionary_parser("customer_grade"), aliases=("级别", "等级")),
    Column("customer_type", "客户类型", "Customer type", repeats=True, parse=dictionary_parser("customer_type"), aliases=("类型", "type")),
    Column("industry", "所属行业", "Industry", repeats=True, parse=dictionary_parser("industry"), aliases=("行业",), example="计算机/互联网"),
    Column("source", "客户来源", "Source", repeats=True, parse=dictionary_parser("customer_source"), aliases=("来源",), example="展会"),
    Column("value_class", "价值评估", "Value class", repeats=True, parse=dictionary_parser("value_class"), aliases=("价值",)),
    # Places are matched to the standard names in clean() (江苏 → 江苏省), the three together.
    Column("province", "省份", "Province", max_length=_max(C, "province"), aliases=("省", "所在省份", "省/直辖市"),
           example="北京市"),
    Column("city", "城市", "City", max_length=_max(C, "city"), aliases=("市", "所在城市", "地级市"), example="北京市"),
    Column("district", "区县", "District", max_length=_max(C, "district"),
           aliases=("区", "县", "区/县", "所在区县", "county"), example="海淀区"),
    Column("address", "地址", "Address", max_length=_max(C, "address"), aliases=("详细地址", "公司地址"),
           example="中关村大街1号"),
    Column("phone", "电话", "Phone", parse=_phone, max_length=_max(C, "phone"),
           aliases=("公司电话", "客户电话", "座机", "固定电话", "telephone", "tel"), example="010-1234 5678"),
    Column("fax", "传真", "Fax", max_length=_max(C, "fax")),
    Column("email", "邮箱", "E-mail", parse=parse_email, max_length=_max(C, "email"),
           aliases=("电子邮箱", "电子邮件", "公司邮箱", "email", "mail")),
    Column("website", "网址", "Website", max_length=_max(C, "website"), aliases=("网站", "公司网站", "web", "url")),
    Column("remark", "备注", "Remark", aliases=("说明", "notes", "note", "remarks")),
    Column("owner", "负责人", "Owner", repeats=True, parse=parse_user, aliases=("归属人", "业务员", "销售", "owner name", "salesperson")),
    Column("contact_name", "联系人", "Contact name", max_length=_max(K, "name"),
           aliases=("联系人姓名", "姓名", "contact", "contact person"), example="张伟", group="contact"),
    Column("contact_gender", "性别", "Gender", repeats=True, parse=_gender_parser, aliases=("sex",), example="男", group="contact"),
    Column("contact_title", "职务", "Title", max_length=_max(K, "title"), aliases=("职位", "job title", "position"),
           example="采购经理", group="contact"),
    Column("contact_department", "部门", "Department", max_length=_max(K, "department"), group="contact"),
    Column("contact_mobile", "手机", "Mobile", parse=_phone, max_length=_max(K, "mobile"),
           aliases=("手机号", "手机号码", "移动电话", "mobile phone", "cell", "cellphone"), example="138 0000 0000",
           group="contact"),
    Column("contact_phone", "联系人电话", "Contact phone", parse=_phone, max_length=_max(K, "phone"),
           aliases=("联系电话", "办公电话", "office phone"), group="contact"),
    Column("contact_email", "联系人邮箱", "Contact e-mail", parse=parse_email, max_length=_max(K, "email"),
           aliases=("联系人email", "contact email"), group="contact"),
    Column("contact_qq", "QQ", "QQ", max_length=_max(K, "qq"), aliases=("qq号", "qq号码"), group="contact"),
    Column("contact_wechat", "微信", "WeChat", max_length=_max(K, "wechat"), aliases=("微信号", "wechat id"),
           group="contact"),
    Column("contact_role", "业务角色", "Business role", repeats=True, parse=dictionary_parser("contact_role"), aliases=("角色",),
           group="contact"),
    Column("contact_category", "联系人分类", "Contact category", repeats=True, parse=dictionary_parser("contact_category"), group="contact"),
    Column("contact_birthday", "生日", "Birthday", parse=parse_date, aliases=("出生日期", "date of birth"),
           group="contact"),
    Column("contact_remark", "联系人备注", "Contact remark", group="contact"),
]

CONTACT_PREFIX = "contact_"


class CustomerImporter(Importer):
    key = "customers"
    label = gettext_lazy("Customers and their first contact")
    module = "customers"
    columns = COLUMNS
    template_name = "customers-import-template"
    # Each batch is a few COPYs and a dozen queries whatever its size; 2,500 rows keep those
    # fixed costs small at 100,000 rows and still update the progress bar every 2.5 %.
    batch_size = 2500

    # -- a run --

    def context(self, job) -> dict:
        from saas_core.accounts.models import User

        ctx = super().context(job)
        users: dict = {}
        owners: dict[int, str] = {}
        for user in User.all_objects.all():
            owners[user.pk] = str(user)
            if not user.is_active:
                continue
            for name in (user.username, user.email, user.name):
                if name:
                    users.setdefault(header_key(name), user)
        ctx.update(users=users, owners=owners, dictionaries={})
        return ctx

    def clean(self, row: Row, ctx: dict) -> None:
        if _is_sample(str(row.values.get("name") or "")):
            row.reject(_("This is the template's sample row; delete it from the file."), "name")
        contact = {k: v for k, v in row.values.items() if k.startswith(CONTACT_PREFIX)}
        if contact and "contact_name" not in contact:
            row.reject(_("Contact name: enter the contact's name, or leave the contact's columns empty."), "contact_name")
        self.clean_region(row)

    def clean_region(self, row: Row) -> None:
        """The row's province, city and district as their standard names (江苏 / 江苏省 / Jiangsu →
        江苏省; 南京 → 南京市, its province found when the column is empty). A place that cannot be
        matched rejects the row, naming the value: stored as typed it would be one more bar
        beside the real one in every report, and the error report lets the user fix the row and
        import it again; nothing of the row is written meanwhile."""
        typed = tuple(as_text(row.values.get(key, "")) for key in services.REGION_FIELDS)
        if not any(typed):
            return
        try:
            standard = regions.resolve(*typed)
        except regions.RegionError as exc:
            column = next(c for c in self.columns if c.key == exc.field_name)
            row.reject(f"{column.label}: {' '.join(exc.messages)}", exc.field_name)
            return
        for key, value in zip(services.REGION_FIELDS, standard, strict=True):
            if value or key in row.values:
                row.values[key] = value

    def split(self, row: Row) -> tuple[dict, dict | None]:
        fields = {k: v for k, v in row.values.items() if not k.startswith(CONTACT_PREFIX)}
        contact = {k[len(CONTACT_PREFIX):]: v for k, v in row.values.items() if k.startswith(CONTACT_PREFIX)}
        return fields, (contact or None)

    # -- duplicates --

    def _phones(self, row: Row) -> list[str]:
        out = []
        for key in ("phone", "contact_mobile", "contact_phone"):
            digits = normalise_phone(row.values.get(key, ""))
            if len(digits) >= 7:
                out.append(digits)
        return out

    def duplicate_keys(self, row: Row) -> list[str]:
        name = (row.values.get("name") or "").strip()
        return [f"name:{name}", *(f"phone:{d}" for d in self._phones(row))]

    def find_existing(self, rows: list[Row], ctx: dict) -> dict[int, Existing]:
        if not rows:
            return {}
        owners = ctx["owners"]

        def owner_of(owner_id) -> str:
            return owners.get(owner_id) or _("public pool")

        # Two indexed look-ups by value, the customers then by id: plans that stay on an index
        # whatever the statistics say (a fresh workspace has none), without the ORM's
        # parameter per value. Customers in the recycle bin do not count.
        names = {(r.values.get("name") or "").strip() for r in rows}
        digits = {d for r in rows for d in self._phones(r)}
        q = connection.ops.quote_name
        customers, phones = q(Customer._meta.db_table), q(PhoneNumber._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, name, owner_id, deleted_at FROM {customers} WHERE name = ANY(%s::text[])",
                           [text_array(sorted(names))])
            named = cursor.fetchall()
            numbered: list = []
            if digits:
                cursor.execute(f"SELECT digits, customer_id FROM {phones} WHERE digits = ANY(%s::text[])",
                               [text_array(sorted(digits))])
                numbered = cursor.fetchall()
            live = {}
            if numbered:
                cursor.execute(f"SELECT id, name, owner_id FROM {customers} WHERE id = ANY(%s::bigint[]) "
                               "AND deleted_at IS NULL", ["{" + ",".join({str(pk) for _d, pk in numbered}) + "}"])
                live = {pk: (name, owner_id) for pk, name, owner_id in cursor.fetchall()}
        by_name: dict[str, tuple[int, str, str]] = {}
        for pk, name, owner_id, deleted_at in sorted(named):
            if deleted_at is None:
                by_name.setdefault(name, (pk, name, owner_of(owner_id)))
        by_phone: dict[str, tuple[int, str, str]] = {}
        for number, pk in sorted(numbered, key=lambda hit: hit[1]):
            if pk in live:
                by_phone.setdefault(number, (pk, live[pk][0], owner_of(live[pk][1])))
        found: dict[int, Existing] = {}
        for row in rows:
            name = (row.values.get("name") or "").strip()
            if name in by_name:
                pk, label, owner = by_name[name]
                found[row.index] = Existing(pk, f"“{label}” ({_('owner')}: {owner})", _("same name"))
                continue
            for number in self._phones(row):
                if number in by_phone:
                    pk, label, owner = by_phone[number]
                    found[row.index] = Existing(pk, f"“{label}” ({_('owner')}: {owner})", _("same phone number"))
                    break
        return found

    # -- saving --

    def create(self, rows: list[Row], ctx: dict) -> dict[int, list[str]]:
        user = ctx["user"]
        items = []
        for row in rows:
            fields, contact = self.split(row)
            fields.setdefault("owner", user)
            items.append(bulk.NewCustomer(fields, contact))
        try:
            with transaction.atomic():
                results = bulk.create_customers(items, by=user)
        except DatabaseError:  # e.g. a number taken meanwhile: row by row, each in its savepoint
            return super().create(rows, ctx)
        labels = self.field_labels()
        return {
            row.index: messages_of(result, labels)
            for row, result in zip(rows, results, strict=True)
            if isinstance(result, ValidationError)
        }

    def create_one(self, row: Row, ctx: dict) -> None:
        fields, contact = self.split(row)
        fields.setdefault("owner", ctx["user"])
        services.create_customer(
            by=ctx["user"], contact=contact, confirm_duplicates=True, check_permission=False, **fields,
        )

    def update_one(self, row: Row, existing: Existing, ctx: dict) -> None:
        user = ctx["user"]
        customer = Customer.objects.select_for_update().get(pk=existing.pk)
        if not can_edit(user, customer):
            raise RowRejected([_("The existing customer %(label)s may not be changed by you.") % {"label": existing.label}])
        fields, contact = self.split(row)
        if fields.get("number") == customer.number:
            fields.pop("number")
        fields.pop("name", None)  # the match; a phone match keeps the customer's own name
        services.update_customer(customer, by=user, **fields)
        if contact:
            current = customer.contacts.filter(name=contact["name"]).first()
            is_first = not customer.contacts.exists()
            if current is None and is_first:
                contact.setdefault("is_primary", True)
            services.save_contact(current, customer=customer, by=user, **contact)

    def field_labels(self) -> dict[str, str]:
        labels = super().field_labels()
        labels["__all__"] = ""
        return labels


register_importer(CustomerImporter())
