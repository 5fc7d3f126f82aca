"""Organisation pages: the org chart and department tree, roles and permissions, record transfer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from saas_core.accounts.models import Role, User
from saas_core.org import permissions as registry
from saas_core.org import services
from saas_core.org.access import boss_required, can, permission_required
from saas_core.org.forms import DepartmentForm, MoveForm, RoleForm, TransferForm
from saas_core.org.models import DataScope, Department
from web.forms import add_service_errors

ORG = "organisation"
ROLES_ONLY_BOSS = gettext_lazy("Only the Boss may change roles and permissions.")
TRANSFER_ONLY_BOSS = gettext_lazy("Only the Boss may transfer a user's records.")


# --- departments -------------------------------------------------------------------------------


@permission_required(ORG, "view")
def departments(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "org/departments.html", {
        "chart": services.org_chart(),
        "may_create": can(user, ORG, "create"), "may_edit": can(user, ORG, "edit"), "may_delete": can(user, ORG, "delete"),
        "max_depth": services.MAX_DEPTH,
    })


@permission_required(ORG, "create")
def department_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        initial["parent"] = parent_id
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department = services.create_department(
                name=data["name"], parent=data["parent"], order=data["order"] or 0, leader=data["leader"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Department %(name)s has been created.") % {"name": department})
            return redirect("org:departments")
    return render(request, "org/department_form.html", {"form": form, "title": _("New department")})


@permission_required(ORG, "edit")
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentForm(request.POST or None, department=department, initial={
        "name": department.name, "order": department.order, "leader": department.leader_id,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_department(department, name=data["name"], order=data["order"] or 0, leader=data["leader"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Department %(name)s has been saved.") % {"name": data["name"]})
            return redirect("org:departments")
    return render(request, "org/department_form.html", {
        "form": form, "title": _("Edit department %(name)s") % {"name": department}, "department": department,
    })


@permission_required(ORG, "edit")
def department_move(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    form = MoveForm(request.POST or None, department=department, initial={"parent": department.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_department(department, form.cleaned_data["parent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Department %(name)s has been moved.") % {"name": department})
            return redirect("org:departments")
    return render(request, "org/department_form.html", {
        "form": form, "title": _("Move department %(name)s") % {"name": department}, "department": department,
        "submit": _("Move"),
    })


@permission_required(ORG, "delete")
def department_delete(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    if request.method == "POST":
        try:
            services.delete_department(department)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Department %(name)s has been deleted.") % {"name": department})
        return redirect("org:departments")
    return render(request, "org/department_confirm_delete.html", {
        "department": department, "blockers": services.delete_blockers(department),
    })


# --- roles -------------------------------------------------------------------------------------

@boss_required(message=ROLES_ONLY_BOSS)
def roles(request: HttpRequest) -> HttpResponse:
    settings = services.role_settings()
    counts = services.role_user_counts()
    rows = []
    for setting in settings:
        matrix = services.effective(setting)
        rows.append({
            "setting": setting, "label": Role(setting.role).label, "users": counts.get(setting.role, 0),
            "scope": DataScope(matrix.data_scope).label,
            "modules": [m.label for m in registry.modules() if registry.VIEW in matrix.permissions.get(m.key, [])],
            "editable": matrix.editable,
        })
    return render(request, "org/roles.html", {"rows": rows})


@boss_required(message=ROLES_ONLY_BOSS)
def role_edit(request: HttpRequest, code: str) -> HttpResponse:
    if code not in Role.values:
        raise Http404
    setting = services.get_role_setting(code)
    matrix = services.effective(setting)
    if request.method == "POST" and request.POST.get("reset"):
        if matrix.editable:
            services.reset_role(code, by=request.user)
            messages.success(request, _("The role %(role)s is back to its defaults.") % {"role": Role(code).label})
        return redirect("org:role_edit", code=code)
    form = RoleForm(request.POST or None, role=code, initial=RoleForm.initial_from(matrix))
    if not matrix.editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and matrix.editable and form.is_valid():
        try:
            services.update_role(code, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The role %(role)s has been saved; it applies from the next page opened.") % {
                "role": Role(code).label})
            return redirect("org:roles")
    return render(request, "org/role_edit.html", {
        "form": form, "role_label": Role(code).label, "code": code, "editable": matrix.editable,
        "actions": [registry.ACTION_LABELS[a] for a in registry.ACTIONS],
        "is_service": code == Role.CUSTOMER_SERVICE, "is_maintainer": code == Role.SYSTEM_MAINTAINER,
    })


# --- transfer of a user's records (ACC-01) -----------------------------------------------------


@boss_required(message=TRANSFER_ONLY_BOSS)
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    from_user = get_object_or_404(User, pk=pk)
    form = TransferForm(request.POST or None, from_user=from_user)
    preview = services.transfer_preview(from_user)
    context = {"from_user": from_user, "form": form, "preview": preview, "total": sum(line.count for line in preview)}
    if request.method == "POST" and form.is_valid():
        to_user, disable = form.cleaned_data["to_user"], form.cleaned_data["disable"]
        if not request.POST.get("confirm"):
            return render(request, "org/transfer_confirm.html", {**context, "to_user": to_user, "disable": disable})
        try:
            moved = services.transfer_records(from_user, to_user, request.user, disable=disable)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            total = sum(moved.values())
            messages.success(request, ngettext(
                "%(count)d record of %(from)s now belongs to %(to)s.",
                "%(count)d records of %(from)s now belong to %(to)s.", total,
            ) % {"count": total, "from": from_user, "to": to_user})
            if disable:
                from_user.refresh_from_db()
                if not from_user.is_active:
                    messages.success(request, _("User %(name)s has been disabled.") % {"name": from_user})
            return redirect("accounts:user_list")
    return render(request, "org/transfer.html", context)
