"""Admin for the points core: categories are edited here; everything else is read-only, because
balances move only through the ledger and the catalogue only through its audited services."""

from django.contrib import admin

from .models import PointAccount, PointAppeal, PointCategory, PointDeclaration, PointEntry, PointItem


@admin.register(PointCategory)
class PointCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")
    ordering = ("order", "code")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: changes go through the services (and their audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointItem)
class PointItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "points", "area", "category", "min_points", "max_points", "active")
    list_filter = ("category", "active", "needs_evidence", "declarable")
    search_fields = ("code", "name")


@admin.register(PointAccount)
class PointAccountAdmin(ReadOnlyAdmin):
    list_display = ("name", "subject", "area", "balance", "entry_count")
    list_filter = ("subject",)
    search_fields = ("name",)
    raw_id_fields = ("person", "household", "organization", "user", "area")


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    list_display = ("account", "seq", "delta", "kind", "source", "item_name", "balance_after", "created_at")
    list_filter = ("kind", "source")
    raw_id_fields = ("account", "item", "actor", "reverses")


@admin.register(PointDeclaration)
class PointDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("account", "item", "points", "status", "due_at", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("account", "item", "declared_by", "reviewer", "entry", "area")


@admin.register(PointAppeal)
class PointAppealAdmin(ReadOnlyAdmin):
    list_display = ("account", "entry", "status", "created_at", "decided_at")
    list_filter = ("status",)
    raw_id_fields = ("account", "entry", "filed_by", "decided_by", "reversal", "area")
