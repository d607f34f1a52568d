"""Alliance nodes in the Django admin: their names and contacts may be corrected there. A node
is registered with `manage.py create_node`, which issues its token, and never deleted: its
records name it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Node


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "contact", "suspended"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "type", "contact", "suspended", "created"]
    readonly_fields = ["code", "created"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
