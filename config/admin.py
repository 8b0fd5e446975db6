"""The Django admin is for system operators (superusers) only.

Area admins work through the portal's own pages, which call the same services and
scope rules; the admin's generic views (history, revert, foreign-key choices) know
nothing of scope, so nobody else may enter it.
"""
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(AdminSite):
    site_header = _("Quản trị cổng theo dõi NQ 57")
    site_title = _("Cổng theo dõi NQ 57")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_superuser


class PortalAdminConfig(AdminConfig):
    default_site = "config.admin.PortalAdminSite"
