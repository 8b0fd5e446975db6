from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from plans.models import Unit

DEMO_PASSWORD = "demo-2026"  # demo only: printed by load_demo, never used in production

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
        unit = Unit.objects.get(area__slug=area_slug, name=unit_name)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.role = role
        user.first_name = full_name
        user.is_staff = role == "admin"
        user.save()
        user.units.set([unit])
        if role == "admin":
            user.groups.add(admins)
        users.append(user)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD, role="admin")
    return users


def notify(*, recipients, message, url=""):
    """A notice in each recipient's bell, and the same text by e-mail once the transaction commits."""
    from django.conf import settings
    from django.core.mail import send_mass_mail

    from .models import Notification

    recipients = [user for user in {user.pk: user for user in recipients}.values() if user.is_active]
    Notification.objects.bulk_create([Notification(recipient=user, message=message, url=url) for user in recipients])
    link = f"{settings.PORTAL_URL}{url}" if url.startswith("/") else url
    mails = [(message[:120], f"{message}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [user.email])
             for user in recipients if user.email]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
