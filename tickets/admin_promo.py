"""Promo codes in Django admin: searchable and read-only (organizers manage them on their dashboard and in the
API). Admins can deactivate codes, which goes through the service and the audit log."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from payments.admin import ReadOnlyAdmin
from tickets.models import PromoCode, PromoRedemption
from tickets.services.promo_codes import promo_code_deactivate


class PromoRedemptionInline(admin.TabularInline):
    model = PromoRedemption
    extra = 0
    can_delete = False
    fields = readonly_fields = ["order", "user", "amount", "status", "created_at", "released_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PromoCode)
class PromoCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "event", "kind", "value", "uses", "max_uses", "is_active", "source", "created_at"]
    list_filter = ["is_active", "kind", "source"]
    search_fields = ["code", "note", "event__title", "event__slug", "owner__email"]
    list_select_related = ["event"]
    readonly_fields = [
        "event", "code", "kind", "value", "max_uses", "uses", "per_user_limit", "valid_from", "valid_until",
        "ticket_types", "unlocks_hidden", "is_active", "deactivated_at", "owner", "source", "note", "created_by",
        "created_at",
    ]  # fmt: skip
    inlines = [PromoRedemptionInline]
    actions = ["deactivate_codes"]

    @admin.action(description=_("Deactivate the selected codes"))
    def deactivate_codes(self, request, queryset):
        now = timezone.now()
        count = 0
        for promo_code in queryset.filter(is_active=True):
            promo_code_deactivate(promo_code=promo_code, actor=request.user, reason="admin", now=now)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d code deactivated.", "%(count)d codes deactivated.", count) % {"count": count},
            messages.SUCCESS,
        )
