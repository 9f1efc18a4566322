from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import staging
from core.downloads import download_response
from core.forms import errors_to_form, errors_to_messages
from core.policy import can, can_see_history
from core.selectors import history_for
from core.services import ConflictError
from orgs import excel, rules, selectors, services
from orgs.forms import AccountActionForm, ContactForm, UserFilterForm, UserForm, UsersImportForm


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/tree.html", {"roots": selectors.organisation_tree(user=request.user)})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "members": selectors.organisation_members(user=request.user, organisation=org),
            "projects": selectors.organisation_projects(user=request.user, organisation=org),
            "can_edit": can(request.user, "change", org),
            "history": history_for(org) if can_see_history(request.user, org) else None,
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    if not can(request.user, "change", org):
        return render(request, "403.html", {"message": _("您只能修改本单位的联系信息。")}, status=403)
    form = ContactForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update_contact(
                actor=request.user,
                organisation=selectors.organisation_get(user=request.user, pk=pk),
                data=form.changes(),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConflictError:
            form.add_error(None, _("保存失败：该单位信息已被其他人修改。请刷新页面后再修改。"))
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", pk=pk)
    return render(request, "orgs/edit.html", {"org": org, "form": form})


# --- user management (系统管理员 and 民生办; who may manage whom: orgs.rules) ----------------------------------

IMPORT_PURPOSE = "orgs-users-import"


def _managers_only(request: HttpRequest) -> None:
    if not rules.may_manage_users(request.user):
        raise PermissionDenied(_("只有系统管理员和民生办可以管理用户。"))


def _secret_page(response: HttpResponse) -> HttpResponse:
    """A page that shows a one-time password: never cached, never kept in the history's cache."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    filters = UserFilterForm(request.GET or None)
    accounts = selectors.users_list(user=request.user, **filters.filters())
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "account": a,
            "membership": getattr(a, "membership", None),
            "may_manage": rules.may_manage_account(request.user, a),
        }
        for a in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/user_list.html",
        {"filters": filters, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    form = UserForm(request.POST or None, user=request.user, initial={"role": request.GET.get("role", "")})
    if request.method == "POST" and form.is_valid():
        try:
            account, password = services.user_create(
                actor=request.user, data=form.data_object(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return _secret_page(
                render(
                    request,
                    "orgs/user_password.html",
                    {"account": account, "password": password, "created": True},
                )
            )
    return render(request, "orgs/user_form.html", {"form": form, "account": None})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    account = selectors.user_get(user=request.user, pk=pk)
    if not rules.may_manage_account(request.user, account):
        raise PermissionDenied(_("只有系统管理员可以修改系统管理员的账号。"))
    membership = selectors.membership_of(account)
    form = UserForm(
        request.POST or None, user=request.user, initial=UserForm.initial_for(account, membership)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user,
                account=account,
                data=form.data_object(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:user_edit", pk=account.pk)
    return render(
        request,
        "orgs/user_form.html",
        {
            "form": form,
            "account": account,
            "membership": membership,
            "action_form": AccountActionForm(),
            "may_deactivate": rules.may_deactivate_account(request.user, account),
            "history": sorted(
                history_for(account) + (history_for(membership) if membership else []),
                key=lambda e: (e.at, e.pk),
                reverse=True,
            ),
        },
    )


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (``active=0``) or reactivate (``active=1``) an account, with a reason."""
    _managers_only(request)
    account = selectors.user_get(user=request.user, pk=pk)
    if not rules.may_deactivate_account(request.user, account):
        raise PermissionDenied(
            _("不能停用或启用该账号（不能停用自己的账号；系统管理员的账号只有系统管理员可以管理）。")
        )
    form = AccountActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写原因。"))
        return redirect("orgs:user_edit", pk=account.pk)
    active = request.POST.get("active") == "1"
    services.user_deactivate(
        actor=request.user, account=account, active=active, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("账号已启用。") if active else _("账号已停用，该用户不能再登录。"))
    return redirect("orgs:user_edit", pk=account.pk)


@login_required
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    account = selectors.user_get(user=request.user, pk=pk)
    if not rules.may_manage_account(request.user, account):
        raise PermissionDenied(_("只有系统管理员可以重置系统管理员的密码。"))
    form = AccountActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写原因。"))
        return redirect("orgs:user_edit", pk=account.pk)
    try:
        password = services.user_password_reset(
            actor=request.user, account=account, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("orgs:user_edit", pk=account.pk)
    return _secret_page(
        render(
            request, "orgs/user_password.html", {"account": account, "password": password, "created": False}
        )
    )


@login_required
def users_template(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    return download_response(excel.users_template(user=request.user), filename=_("用户导入模板") + ".xlsx")


@login_required
def users_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: check the sheet and show its errors or the accounts it will create."""
    _managers_only(request)
    form = UsersImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "preview": None, "token": "", "max_rows": excel.MAX_ROWS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staging.discard(request, purpose=IMPORT_PURPOSE)
        if upload.size and upload.size > excel.MAX_BYTES:
            preview = excel.UsersPreview(errors=[_("文件过大（不能超过2MB），请分批导入。")])
        else:
            content = upload.read()
            preview = excel.users_import_preview(user=request.user, content=content)
        context["preview"] = preview
        if preview.ok:
            # the checked file (core.staging: a private file, its token in the session) waits until confirmed;
            # the confirmation checks it again
            context["token"] = staging.stage(request, purpose=IMPORT_PURPOSE, data=content)
    return render(request, "orgs/users_import.html", context)


def _import_failed(request: HttpRequest, errors: list[str]) -> HttpResponse:
    messages.error(request, _("导入失败，没有创建任何账号。请修改后重新上传。"))
    preview = excel.UsersPreview(errors=errors)
    return render(
        request,
        "orgs/users_import.html",
        {"form": UsersImportForm(), "preview": preview, "token": "", "max_rows": excel.MAX_ROWS},
    )


@login_required
@require_POST
def users_import_confirm(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    pending = staging.staged(request, purpose=IMPORT_PURPOSE, token=request.POST.get("token", ""))
    if pending is None:
        messages.error(request, _("待导入的名单已失效（可能已经导入或已重新上传），请重新上传。"))
        return redirect("orgs:users_import")
    staging.discard(request, purpose=IMPORT_PURPOSE)
    preview = excel.users_import_preview(user=request.user, content=pending.data)
    rows = [account for _row, account in preview.rows]
    if not preview.ok:
        return _import_failed(request, preview.errors)
    try:
        created = services.users_import(actor=request.user, rows=rows)
    except ValidationError as exc:
        return _import_failed(request, exc.messages)
    return _secret_page(render(request, "orgs/users_import_done.html", {"created": created}))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; ends the obligation a one-time password set (orgs.middleware)."""

    template_name = "orgs/password_change.html"
    success_url = reverse_lazy("orgs:password_change_done")

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(user=self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "orgs/password_change_done.html"
