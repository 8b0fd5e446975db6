import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import Area, Unit
from plans.writes import unit_slug

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - demo only: printed by load_demo, never used in production

# (username, role, area slug, unit name, full name)
DEMO_USERS = [
    ("dongnai-admin", "admin", "dong-nai", "Sở Khoa học và Công nghệ", "Quản trị tỉnh Đồng Nai"),
    ("dongnai-leader", "leader", "dong-nai", "UBND tỉnh Đồng Nai", "Lãnh đạo tỉnh Đồng Nai"),
    ("dongnai-officer", "officer", "dong-nai", "Sở Khoa học và Công nghệ", "Cán bộ Sở KH&CN"),
]
for slug, prefix, commune in [("phu-lam", "phulam", "Phú Lâm"), ("dai-phuoc", "daiphuoc", "Đại Phước"),
                              ("dan-tien", "dantien", "Dân Tiến")]:
    DEMO_USERS += [
        (f"{prefix}-officer", "officer", slug, "Phòng Văn hóa - Xã hội", f"Cán bộ Phòng VH-XH xã {commune}"),
        (f"{prefix}-reviewer", "reviewer", slug, "Phòng Văn hóa - Xã hội", f"Thẩm định viên xã {commune}"),
        (f"{prefix}-leader", "leader", slug, f"Lãnh đạo UBND xã {commune}", f"Lãnh đạo UBND xã {commune}"),
        (f"{prefix}-admin", "admin", slug, f"Lãnh đạo UBND xã {commune}", f"Quản trị xã {commune}"),
        (f"{prefix}-economic", "officer", slug, "Phòng Kinh tế", f"Cán bộ Phòng Kinh tế xã {commune}"),
    ]
# The Front supervises (seed 004): it reads Phú Lâm's plans, progress, evidence and reports and changes nothing.
FRONT = "Ủy ban MTTQ Việt Nam xã"
DEMO_USERS.append(("phulam-supervisor", "supervisor", "phu-lam", FRONT, "Giám sát viên Ủy ban MTTQ xã Phú Lâm"))


def demo_password_hash():
    """DEMO_PASSWORD hashed once for all the demo accounts (with one salt): Django's PBKDF2 costs 0.27 s a hash,
    10 s of `load_demo` for its 39 accounts, paid by each `make run` and by the test suite's three loads."""
    return _password_hash(DEMO_PASSWORD, tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _password_hash(password, hashers):  # hashers: a test's PASSWORD_HASHERS override hashes again
    return make_password(password)


ADMIN_GROUP = "Quản trị kế hoạch"
ADMIN_APPS = ["plans", "indicators", "tasks"]


def admin_group_ensure():
    """The Django permissions an admin needs in the admin site; scope still narrows what they see."""
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    return group


@transaction.atomic
def demo_users_ensure():
    """One demo user per role per commune (and the province), idempotently."""
    User = get_user_model()
    admins = admin_group_ensure()
    users = []
    for username, role, area_slug, unit_name, full_name in DEMO_USERS:
        if unit_name == FRONT:  # the seeds name the Front as a duty, not as a lead or support unit of an item
            area = Area.objects.get(slug=area_slug)
            unit = Unit.objects.get_or_create(area=area, name=unit_name,
                                              defaults={"slug": unit_slug(area, unit_name)})[0]
        else:
            unit = Unit.objects.get(area__slug=area_slug, name=unit_name)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, password=demo_password_hash())
        user.role = role
        user.first_name = full_name
        user.is_staff = role == "admin"
        user.save()
        user.units.set([unit])
        if role == "admin":
            user.groups.add(admins)
        users.append(user)
    if not User.objects.filter(username="admin").exists():
        admin = User.objects.create_superuser("admin", "admin@localhost", None, role="admin")  # None: no hashing
        User.objects.filter(pk=admin.pk).update(password=demo_password_hash())
    return users


def notify(*, recipients, message, url="", kind="general"):
    """A notice in each recipient's bell, and the same text by e-mail and Zalo as each chose (people/notifications.py),
    sent once the transaction commits. `kind` picks the Zalo template: notifications.KINDS."""
    from .notifications import deliver

    recipients = [user for user in {user.pk: user for user in recipients}.values() if user.is_active]
    notices = [(user.pk, message, url) for user in recipients]
    notices_create(notices)
    deliver(notices, kind=kind)


def notices_create(notices):
    """Notices in the bell only, in one INSERT: `notices` are (recipient id, message, url). For notices
    whose e-mail goes another way (the daily warnings digest)."""
    from .models import Notification

    limit = Notification._meta.get_field("message").max_length
    Notification.objects.bulk_create([
        Notification(recipient_id=recipient_id, message=message if len(message) <= limit else message[:limit - 1] + "…",
                     url=url) for recipient_id, message, url in notices])


# People of an area, for its admins (and every area for a superuser).

def user_check_manageable(actor, person):
    """An admin manages the people whose units all lie in areas they administer; never a superuser."""
    from plans.models import Area

    areas = set(Area.objects.administered_by(actor).values_list("pk", flat=True))
    if actor.is_superuser:
        return
    units = set(person.units.values_list("area_id", flat=True)) if person.pk else set()
    if person.is_superuser or not units or not units <= areas:
        raise PermissionDenied(_("Bạn không quản lý người dùng này."))


@transaction.atomic
def user_save(*, actor, person=None, values, units, password="", is_staff=None, is_superuser=None):
    """Add a person to units of the actor's areas, or change one they manage.

    An area admin sets names, e-mail, role, units and whether the account is active; only a
    superuser grants the staff or superuser flags (the portal's pages never offer them).
    """
    User = get_user_model()
    if (is_staff or is_superuser) and not actor.is_superuser:
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới được cấp quyền quản trị hệ thống."))
    allowed = set(Unit.objects.administered_by(actor).values_list("pk", flat=True))
    if not units:
        raise ValidationError({"units": _("Hãy chọn ít nhất một đơn vị.")})
    if any(unit.pk not in allowed for unit in units):
        raise PermissionDenied(_("Chỉ chọn đơn vị thuộc địa bàn bạn quản trị."))
    if person is None:
        person = User(username=values["username"])
        if User.objects.filter(username__iexact=person.username).exists():
            raise ValidationError({"username": _("Tên đăng nhập đã có người dùng.")})
    else:
        person = User.objects.select_for_update().get(pk=person.pk)
        user_check_manageable(actor, person)
        if person.pk == actor.pk and (values.get("is_active") is False or values.get("role") != actor.role):
            raise ValidationError(_("Bạn không thể tự khóa tài khoản hay đổi vai trò của mình."))
    for name in ("first_name", "last_name", "email", "role", "is_active"):
        if name in values:
            setattr(person, name, values[name])
    if is_staff is not None:
        person.is_staff = is_staff
    if is_superuser is not None:
        person.is_superuser = is_superuser
    if password:
        person.set_password(password)
    elif person.pk is None:
        person.set_unusable_password()
    created = person.pk is None
    person.save()
    person.units.set(units)
    _account_logged(actor, person, created=created)
    return person


def _account_logged(actor, person, *, created):
    """Who created or changed an account, and when: the admin site's history of the person (Django's log)."""
    from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

    LogEntry.objects.log_actions(user_id=actor.pk, queryset=[person], action_flag=ADDITION if created else CHANGE,
                                 change_message=[{"added": {}}] if created else [{"changed": {"fields": []}}],
                                 single_object=True)


def username_suggest(base):
    """A free username from `base` (a unit's slug, say), numbered when taken: what a new account's form offers."""
    User = get_user_model()
    base = base[:140] or "can-bo"
    taken = {name.lower() for name in User.objects.filter(username__istartswith=base).values_list("username", flat=True)}
    return next(name for name in (base, *(f"{base}-{number}" for number in range(2, len(taken) + 3)))
                if name.lower() not in taken)


@transaction.atomic
def user_deactivate(*, actor, person):
    """Closes the account; the person's reports, reviews and history stay."""
    User = get_user_model()
    person = User.objects.select_for_update().get(pk=person.pk)
    user_check_manageable(actor, person)
    if person.pk == actor.pk:
        raise ValidationError(_("Bạn không thể tự khóa tài khoản của mình."))
    person.is_active = False
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def notification_preference_save(*, user, values):
    """A person's own channels, Zalo phone and quiet hours (never another's)."""
    from .models import NotificationPreference

    preference = NotificationPreference.objects.select_for_update().filter(user=user).first() or \
        NotificationPreference(user=user)
    for field, value in values.items():
        setattr(preference, field, value)
    preference.full_clean()
    preference.save()
    return preference
