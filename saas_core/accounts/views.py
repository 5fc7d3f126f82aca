"""Account pages: thin views over accounts.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas_core.accounts import queries, services
from saas_core.accounts.forms import (
    InviteForm,
    LoginForm,
    LoginLogFilterForm,
    PasswordResetForm,
    SetPasswordForm,
    SettingsForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from saas_core.accounts.models import LoginAttempt, User
from saas_core.accounts.permissions import boss_required
from saas_core.ratelimit import too_many_requests
from web.forms import add_service_errors
from web.pagination import PAGE_SIZES, paginate


def _list_page(request: HttpRequest, filter_form, query, sorts: set[str], default_sort: str, template: str):
    """A filtered, sorted, paginated list page; ``query`` takes the filter values and ``sort``."""
    filters = filter_form(request.GET or None)
    params = filters.cleaned_data if filters.is_valid() else {}
    sort = request.GET.get("sort")
    page, size = paginate(request, query(**params, sort=sort))
    return render(request, template, {
        "filters": filters, "page": page, "page_size": size, "page_sizes": PAGE_SIZES,
        "sort": queries.sort_key(sort, sorts, default_sort),
    })


def sign_in_page(request: HttpRequest, template: str, default_next: str, *, staff_only: bool = False) -> HttpResponse:
    """Every sign-in page (a workspace's, the vendor console's): one protection, one log."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.attempt_login(request, form.cleaned_data["username"], form.cleaned_data["password"],
                                        staff_only=staff_only)
        if result.success:
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or default_next)
        form.add_error(None, services.login_failure_message(result))
        if result.refused_for_now:
            return too_many_requests(render(request, template, {"form": form, "next": next_url}), result.retry_after)
    return render(request, template, {"form": form, "next": next_url})


def login_view(request: HttpRequest) -> HttpResponse:
    return sign_in_page(request, "accounts/login.html", "web:workbench")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_attempt(request, request.user.username, request.user, LoginAttempt.Reason.LOGOUT)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


def welcome_view(request: HttpRequest) -> HttpResponse:
    """Redeem the one-time ticket that carries a new Boss from signup into the workspace."""
    user = services.redeem_login_ticket(request.GET.get("ticket", ""))
    if user is None:
        messages.error(request, _("This sign-in link has expired or was already used. Please sign in."))
        return redirect("accounts:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    services.record_attempt(request, user.username, user, LoginAttempt.Reason.OK)
    messages.success(request, _("Welcome! Your workspace is ready."))
    return redirect("web:workbench")


class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:workbench")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Other devices and API tokens are signed out; this session stays.
        services.revoke_sign_ins(form.user, keep=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordReset(auth_views.PasswordResetView):
    """Says so when the link could not be sent (the mail server down or refusing), instead of
    "check your e-mail" for a mail that never left."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.delivery_failed:
            return response
        form.add_error(None, _("The e-mail could not be sent just now, so no link is on its way. Please try "
                               "again later, or ask your administrator to set a new password for you."))
        return self.render_to_response(self.get_context_data(form=form))


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Whoever had the old password (a session, an API token) is signed out by the reset."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.revoke_sign_ins(form.user)
        return response


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        response = redirect("accounts:settings")
        if form.cleaned_data["language"]:
            response.set_cookie("django_language", form.cleaned_data["language"], samesite="Lax", httponly=True)
        messages.success(request, _("Your settings have been saved."))
        return response
    return render(request, "accounts/settings.html", {"form": form})


@boss_required
def user_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, UserFilterForm, queries.users, queries.USER_SORTS, "username", "accounts/user_list.html")


@boss_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            user = services.create_user(**data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s has been created.") % {"name": user})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


def _send_invitation(request: HttpRequest, user: User) -> None:
    """Mail the invitation and say whether it went out (the account stays either way)."""
    sent = services.send_invitation(user, base_url=request.build_absolute_uri("/"), by=request.user,
                                    company=str(getattr(request.tenant, "name", "")))
    if sent:
        messages.success(request, _("The invitation has been sent to %(email)s. %(name)s chooses a password from "
                                    "its link and then signs in.") % {"email": user.email, "name": user})
    else:
        messages.warning(request, _("The account of %(name)s is ready, but the invitation could not be sent just "
                                    "now. Send it again from the user list later.") % {"name": user})


@boss_required
def user_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_user(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _send_invitation(request, user)
            return redirect("accounts:user_list")
    return render(request, "accounts/user_invite.html", {"form": form})


@boss_required
@require_POST
def user_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    if services.is_invited(user) and user.email:
        _send_invitation(request, user)
    else:
        messages.error(request, _("%(name)s has already accepted the invitation.") % {"name": user})
    return redirect("accounts:user_list")


class InviteAccept(PasswordResetConfirm):
    """The invitation's link: the colleague chooses a password, then signs in."""

    template_name = "accounts/invite_accept.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Sign in with %(username)s and your new password.")
                         % {"username": form.user.username})
        return response


@boss_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = UserEditForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s has been saved.") % {"name": user})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Edit user"), "target": user})


@boss_required
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        services.set_active(user, not user.is_active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if user.is_active:
            messages.success(request, _("User %(name)s has been enabled.") % {"name": user})
        else:
            messages.success(request, _("User %(name)s has been disabled.") % {"name": user})
    return redirect("accounts:user_list")


@boss_required
def user_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        try:
            services.delete_user(user, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("User %(name)s has been deleted.") % {"name": user})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_confirm_delete.html", {"target": user})


@boss_required
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(user, form.cleaned_data["password"],
                                  keep=request if user.pk == request.user.pk else None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The password of %(name)s has been reset.") % {"name": user})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_set_password.html", {"form": form, "target": user})


@boss_required
def login_log(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request, LoginLogFilterForm, queries.login_log, queries.LOGIN_LOG_SORTS, "-at", "accounts/login_log.html"
    )


def password_reset_urls():
    """Django's own reset views, with our templates; the link points at the tenant's host."""
    from django.urls import path

    return [
        path("password-reset/", PasswordReset.as_view(), name="password_reset"),
        path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"), name="password_reset_done"),
        path("password-reset/<uidb64>/<token>/", PasswordResetConfirm.as_view(), name="password_reset_confirm"),
        path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    ]


