from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.access import portal_admin_required
from plans.forms import add_service_errors
from plans.models import Area, Unit
from plans.services import unit_alias_add, unit_alias_remove, unit_create, unit_update

from .forms import AliasForm, NotificationPreferenceForm, PersonForm, UnitForm
from .models import NotificationPreference, User
from .selectors import failed_deliveries, unit_list, user_list, users_managed_by
from .services import notification_preference_save, user_check_manageable, user_deactivate, user_save


@login_required
def notifications_view(request):
    notices = request.user.notifications.all()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = render(request, "people/notifications.html", {"page": page, "unread_ids": unread})
    request.user.notifications.filter(pk__in=unread).update(read_at=timezone.now())
    return response


@login_required
def notification_preferences_view(request):
    """One's own channels and quiet hours: the page has no person in its address, so it reaches no one else's."""
    preference = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(
        user=request.user, email=bool(request.user.email))
    form = NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preference_save(user=request.user, values={
                field: form.cleaned_data[field] for field in NotificationPreferenceForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu cách nhận thông báo."))
            return redirect("people:notification_preferences")
    return render(request, "people/notification_preferences.html", {"form": form},
                  status=400 if form.errors else 200)


@portal_admin_required
def delivery_failures_view(request):
    page = Paginator(failed_deliveries(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "people/delivery_failures.html", {"page": page})


def sign_in_locked_out(request, original_response=None, credentials=None):
    """The page django-axes answers with while a username or address is locked out (429)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/locked_out.html",
                  {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links are built from PORTAL_URL, never from the request's Host header."""

    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        self.extra_email_context = {"portal_url": settings.PORTAL_URL}
        return super().form_valid(form)


# People and units of an area, for its admins.

USERS_PER_PAGE = 30


def _managed_person(actor, pk):
    return get_object_or_404(users_managed_by(actor), pk=pk)


def _administered_unit(actor, pk):
    return get_object_or_404(Unit.objects.administered_by(actor).select_related("area"), pk=pk)


@portal_admin_required
def user_list_view(request):
    units = Unit.objects.administered_by(request.user).select_related("area").order_by("area__kind", "area__name", "name")
    unit = request.GET.get("unit", "")
    filters = {"unit": int(unit) if unit.isdigit() else None, "role": request.GET.get("role", ""),
               "active": request.GET.get("active", ""), "query": request.GET.get("q", "").strip()}
    page = Paginator(user_list(request.user, **filters), USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/user_list.html", {
        "page": page, "filters": filters, "units": units, "roles": User.Role.choices,
    })


@portal_admin_required
def user_form_view(request, pk=None):
    person = _managed_person(request.user, pk) if pk else None
    if person is not None:
        try:
            user_check_manageable(request.user, person)
        except PermissionDenied:
            raise PermissionDenied(_("Người dùng này thuộc cả địa bàn khác; hãy nhờ quản trị hệ thống.")) from None
    form = PersonForm(request.POST or None, instance=person, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = user_save(actor=request.user, person=person, values=form.values(), units=form.cleaned_data["units"],
                              password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu người dùng %(username)s.") % {"username": saved.username})
            return redirect("people:user_list")
    return render(request, "people/form.html", {
        "form": form, "title": _("Sửa người dùng %(username)s") % {"username": person.username} if person else _("Thêm người dùng"),
        "back": reverse("people:user_list"),
    }, status=400 if form.errors else 200)


@portal_admin_required
@require_POST
def user_deactivate_view(request, pk):
    person = _managed_person(request.user, pk)
    try:
        user_deactivate(actor=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã khóa tài khoản %(username)s.") % {"username": person.username})
    return redirect("people:user_list")


@portal_admin_required
def unit_list_view(request):
    areas = Area.objects.administered_by(request.user).order_by("kind", "name")
    area = request.GET.get("area", "")
    filters = {"area": int(area) if area.isdigit() else None, "query": request.GET.get("q", "").strip()}
    page = Paginator(unit_list(request.user, **filters), 50).get_page(request.GET.get("page"))
    return render(request, "people/unit_list.html", {"page": page, "filters": filters, "areas": areas})


@portal_admin_required
def unit_form_view(request, pk=None):
    unit = _administered_unit(request.user, pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if unit is None:
                unit = unit_create(user=request.user, area=data["area"], name=data["name"],
                                   is_culture_social_office=data["is_culture_social_office"])
            else:
                unit_update(user=request.user, unit=unit, name=data["name"],
                            is_culture_social_office=data["is_culture_social_office"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu đơn vị %(name)s.") % {"name": unit.name})
            return redirect("people:unit_edit", pk=unit.pk)
    return render(request, "people/unit_form.html", {
        "form": form, "unit": unit, "alias_form": AliasForm(),
        "aliases": unit.aliases.order_by("alias") if unit else [],
        "title": _("Sửa đơn vị") if unit else _("Thêm đơn vị"),
    }, status=400 if form.errors else 200)


@portal_admin_required
@require_POST
def unit_alias_add_view(request, pk):
    unit = _administered_unit(request.user, pk)
    form = AliasForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["alias"])
        unit_alias_add(user=request.user, unit=unit, alias=form.cleaned_data["alias"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thêm tên gọi khác."))
    return redirect("people:unit_edit", pk=unit.pk)


@portal_admin_required
@require_POST
def unit_alias_remove_view(request, pk, alias_pk):
    unit = _administered_unit(request.user, pk)
    unit_alias_remove(user=request.user, alias=get_object_or_404(unit.aliases, pk=alias_pk))
    messages.success(request, _("Đã xóa tên gọi khác."))
    return redirect("people:unit_edit", pk=unit.pk)


def landing_url(user):
    """Where each kind of user's day starts: admins on Quản trị, reviewers on the review queue while evidence
    waits, leaders on their area's overview (a commune's own page, a province's dashboard), supervisors on the
    plans, everyone else on My work."""
    from evidence.selectors import pending_evidence

    if user.is_portal_admin:
        return resolve_url("plans:manage")
    if user.role == User.Role.REVIEWER and pending_evidence(user).exists():
        return resolve_url("evidence:review_queue")
    if user.role == User.Role.LEADER:
        area = Area.objects.filter(pk__in=user.area_ids).order_by("kind", "name").first()
        if area is not None and area.kind != Area.Kind.PROVINCE:
            return resolve_url("reports:commune", area.slug)
        return resolve_url("reports:dashboard") + (f"?province={area.slug}" if area else "")
    if user.is_read_only:  # a supervisor has no work of their own: they read the area's plans
        return resolve_url("plans:plan_list")
    return resolve_url("tasks:my_work")


@login_required
def landing_view(request):
    """The portal's address ("/"): where the signed-in user's day starts."""
    return redirect(landing_url(request.user))


class PortalLoginView(LoginView):
    """Each kind of user lands where their day starts (landing_url), unless the sign-in asked for a page."""

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also lifts a sign-in lockout on that username."""

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response
