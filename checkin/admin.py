"""Read-only moderation views of the scan log and the admissions (written by the check-in services only)."""

from django.contrib import admin

from checkin.models import CheckIn, Scan


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdmin):
    list_display = ["scanned_at", "event", "result", "ticket", "gate", "staff", "device_id", "offline", "conflict"]
    list_filter = ["result", "conflict", "offline", "method"]
    search_fields = ["scan_id", "ticket__serial", "staff__email", "device_id", "gate"]
    date_hierarchy = "scanned_at"
    list_select_related = ["event", "ticket", "staff"]
    raw_id_fields = ["event", "ticket", "staff"]
    show_full_result_count = False


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["admitted_at", "event", "ticket", "gate", "staff", "source"]
    list_filter = ["source", "scan__conflict", "scan__offline"]
    search_fields = ["ticket__serial", "scan__scan_id", "staff__email", "gate"]
    date_hierarchy = "admitted_at"
    list_select_related = ["event", "ticket", "staff"]
    raw_id_fields = ["event", "ticket", "staff", "scan"]
    show_full_result_count = False
