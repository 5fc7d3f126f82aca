"""Exporting the customer and contact lists to xlsx (CUS-08), registered with saas_core.imports.

The rows are exactly the list's: ``queries.customer_list`` / ``contact_list`` with the list's
own filter forms read from the query string (quick search, category tab, advanced search, sort),
so they are limited to what the user's data scope shows. The export needs the module's "export"
action and the "export_excel" right (``saas_core.imports.views.export``). Column headers are the
import's labels where a column can be imported, so an export can be edited and imported back.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy

from saas_core.customers import queries
from saas_core.customers.models import Contact, Customer
from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.imports.registry import label_of as _label


def _choice(record, name: str) -> str:
    value = getattr(record, name)
    return str(getattr(record, f"get_{name}_display")()) if value else ""


class CustomerExporter(Exporter):
    key = "customers"
    label = gettext_lazy("Customers")
    module = "customers"
    filename = "customers"
    columns = [
        ExportColumn("客户编号", "Customer number", lambda c: c.number),
        ExportColumn("客户名称", "Customer name", lambda c: c.name),
        ExportColumn("简称", "Short name", lambda c: c.short_name),
        ExportColumn("客户性质", "Kind", lambda c: _choice(c, "kind")),
        ExportColumn("客户状态", "Status", lambda c: _choice(c, "status")),
        ExportColumn("客户分类", "Category", lambda c: _label(c.category)),
        ExportColumn("客户级别", "Grade", lambda c: _label(c.grade)),
        ExportColumn("客户类型", "Customer type", lambda c: _label(c.customer_type)),
        ExportColumn("所属行业", "Industry", lambda c: _label(c.industry)),
        ExportColumn("客户来源", "Source", lambda c: _label(c.source)),
        ExportColumn("价值评估", "Value class", lambda c: _label(c.value_class)),
        ExportColumn("省份", "Province", lambda c: c.province),
        ExportColumn("城市", "City", lambda c: c.city),
        ExportColumn("区县", "District", lambda c: c.district),
        ExportColumn("地址", "Address", lambda c: c.address),
        ExportColumn("电话", "Phone", lambda c: c.phone),
        ExportColumn("传真", "Fax", lambda c: c.fax),
        ExportColumn("邮箱", "E-mail", lambda c: c.email),
        ExportColumn("网址", "Website", lambda c: c.website),
        ExportColumn("负责人", "Owner", lambda c: str(c.owner) if c.owner_id else ""),
        ExportColumn("联系人", "Contact name", lambda c: c.primary_name or ""),
        ExportColumn("手机", "Mobile", lambda c: c.primary_mobile or ""),
        ExportColumn("热点", "Hot", lambda c: queries.is_hot_now(c)),
        ExportColumn("最近联系", "Last contact", lambda c: c.last_contact_at),
        ExportColumn("创建时间", "Created", lambda c: c.created_at),
        ExportColumn("备注", "Remark", lambda c: c.remark),
    ]

    def queryset(self, request):
        from saas_core.customers.forms import CustomerFilterForm

        form = CustomerFilterForm(request.GET or None, user=request.user)
        form.is_valid()  # as the list: valid filters apply, invalid ones are left out
        filters = dict(getattr(form, "cleaned_data", {}))
        if filters.get("view") == "not_followed" and not filters.get("days"):
            filters["days"] = queries.DEFAULT_STALE_DAYS
        primary = Contact.objects.filter(customer=OuterRef("pk")).order_by("-is_primary", "id")
        return (
            queries.customer_list(request.user, filters, request.GET.get("sort"))
            .select_related("grade", "customer_type", "source", "value_class")
            .annotate(primary_name=Subquery(primary.values("name")[:1]),
                      primary_mobile=Subquery(primary.values("mobile")[:1]))
        )


class ContactExporter(Exporter):
    key = "contacts"
    label = gettext_lazy("Contacts")
    module = "contacts"
    filename = "contacts"
    columns = [
        ExportColumn("客户编号", "Customer number", lambda k: k.customer.number),
        ExportColumn("客户名称", "Customer name", lambda k: k.customer.name),
        ExportColumn("联系人", "Contact name", lambda k: k.name),
        ExportColumn("性别", "Gender", lambda k: _choice(k, "gender")),
        ExportColumn("职务", "Title", lambda k: k.title),
        ExportColumn("部门", "Department", lambda k: k.department),
        ExportColumn("手机", "Mobile", lambda k: k.mobile),
        ExportColumn("联系人电话", "Contact phone", lambda k: k.phone),
        ExportColumn("联系人邮箱", "Contact e-mail", lambda k: k.email),
        ExportColumn("QQ", "QQ", lambda k: k.qq),
        ExportColumn("微信", "WeChat", lambda k: k.wechat),
        ExportColumn("业务角色", "Business role", lambda k: _label(k.role)),
        ExportColumn("联系人分类", "Contact category", lambda k: _label(k.category)),
        ExportColumn("生日", "Birthday", lambda k: k.birthday),
        ExportColumn("主联系人", "Primary contact", lambda k: k.is_primary),
        ExportColumn("联系人备注", "Contact remark", lambda k: k.remark),
    ]

    def queryset(self, request):
        from saas_core.customers.forms import ContactFilterForm

        form = ContactFilterForm(request.GET or None)
        form.is_valid()
        filters = dict(getattr(form, "cleaned_data", {}))
        return queries.contact_list(request.user, filters, request.GET.get("sort")).select_related("category")


register_exporter(CustomerExporter())
register_exporter(ContactExporter())


def export_customers(request):
    """GET /customers/export.xlsx?<the list's query string> (for customers.urls to mount)."""
    from saas_core.imports.views import export

    return export(request, "customers")


def export_contacts(request):
    """GET /customers/contacts/export.xlsx?<the contact list's query string>."""
    from saas_core.imports.views import export

    return export(request, "contacts")


__all__ = ["ContactExporter", "CustomerExporter", "Customer", "export_contacts", "export_customers"]
