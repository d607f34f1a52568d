"""The ledger in the Django admin: to look at, never to edit. Rows change only by integration,
and the witnesses' statuses only by what the witnesses answer."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Checkpoint, Entry, PendingEntry, VerifierKey, WitnessStatus


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["index", "sha256", "submission"]
    search_fields = ["sha256"]
    exclude = ["data"]
    readonly_fields = ["entry_json"]

    @admin.display(description="entry")
    def entry_json(self, obj: Entry) -> str:
        return bytes(obj.data).decode()


@admin.register(PendingEntry)
class PendingEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "sha256", "submitted"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["id", "size", "signed", "key"]
    exclude = ["note", "root_hash"]
    readonly_fields = ["signed_note"]

    @admin.display(description="signed note")
    def signed_note(self, obj: Checkpoint) -> str:
        return bytes(obj.note).decode()


@admin.register(VerifierKey)
class VerifierKeyAdmin(ReadOnlyAdmin):
    list_display = ["vkey", "first_used"]


@admin.register(WitnessStatus)
class WitnessStatusAdmin(ReadOnlyAdmin):
    list_display = ["name", "is_failing", "size", "cosigned", "failed", "error"]
    readonly_fields = ["vkey", "name", "size", "cosigned", "failed", "error"]

    @admin.display(description="failing", boolean=True)
    def is_failing(self, obj: WitnessStatus) -> bool:
        return obj.failing
