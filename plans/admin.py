from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Area, LegalDocument, Plan, Section, Unit, UnitAlias


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin pages show and change only what the scope rules let the user change."""

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request.user)

    def scope(self, queryset, user):
        return queryset if user.is_superuser else queryset.none()


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ["__str__", "kind", "parent"]
    prepopulated_fields = {"slug": ["name"]}


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1
    fields = ["alias"]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "area", "is_culture_social_office"]
    list_filter = ["area"]
    search_fields = ["name", "aliases__alias"]
    inlines = [UnitAliasInline]

    def scope(self, queryset, user):
        if user.is_superuser:
            return queryset
        return queryset.filter(area__in=user.area_ids) if user.is_portal_admin else queryset.none()


@admin.register(LegalDocument)
class LegalDocumentAdmin(ScopedAdmin):
    list_display = ["reference", "kind", "issuer", "issued_on"]
    search_fields = ["reference", "title", "issuer"]

    def scope(self, queryset, user):
        return queryset if user.is_portal_admin else queryset.none()


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "appendix", "number", "title", "parent"]


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    list_display = ["reference", "issuer", "area", "status"]
    list_filter = ["status", "area"]
    search_fields = ["title", "number", "issuer"]
    filter_horizontal = ["implements", "legal_basis"]
    inlines = [SectionInline]

    def scope(self, queryset, user):
        return queryset.editable_by(user)
