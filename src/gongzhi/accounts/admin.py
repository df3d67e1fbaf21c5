from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Department, RoleGrant, User


class GrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    raw_id_fields = ("area", "department", "granted_by")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [GrantInline]
    list_display = ("username", "full_name", "is_active", "last_login")
    fieldsets = BaseUserAdmin.fieldsets + (("共治", {"fields": ("full_name",)}),)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area")
    list_filter = ("kind",)
    raw_id_fields = ("area",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("digest", "prefix")
