from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .appendix.admin import AppendixImportMixin
from .models import AppendixImport, Area, LegalDocument, Plan, Section, Unit, UnitAlias

# Only superusers enter the admin (config/admin.py): they see and change everything, so no admin here narrows
# its lists by the scope rules the portal's pages apply.


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "parent"]
    prepopulated_fields = {"slug": ["name"]}


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1
    fields = ["alias"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "area", "is_culture_social_office", "is_placeholder"]
    list_filter = ["area"]
    search_fields = ["name", "aliases__alias"]
    inlines = [UnitAliasInline]

    def get_readonly_fields(self, request, obj=None):
        return ["area"] if obj else []  # a unit never moves to another area


@admin.register(LegalDocument)
class LegalDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "kind", "issuer", "issued_on"]
    search_fields = ["reference", "title", "issuer"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "appendix", "number", "title", "parent"]


@admin.register(Plan)
class PlanAdmin(AppendixImportMixin, SimpleHistoryAdmin):
    list_display = ["reference", "issuer", "area", "status"]
    list_filter = ["status", "area"]
    search_fields = ["title", "number", "issuer"]
    filter_horizontal = ["implements", "legal_basis"]
    inlines = [SectionInline]
    readonly_fields = ["appendices"]

    @admin.display(description=_("Phụ lục"))
    def appendices(self, plan):
        if not plan.pk:
            return "—"
        return render_to_string("admin/plans/plan/appendices.html", {"plan": plan})


@admin.register(AppendixImport)
class AppendixImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "plan", "kind", "status", "row_count", "uploaded_by", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in AppendixImport._meta.fields]

    def get_queryset(self, request):
        imports = super().get_queryset(request)
        return imports if request.user.is_superuser else imports.filter(plan__in=Plan.objects.editable_by(request.user).values("pk"))

    def has_add_permission(self, request):
        return False
