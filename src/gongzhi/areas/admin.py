from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "source")
    list_filter = ("level", "source")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
