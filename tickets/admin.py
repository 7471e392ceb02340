"""Orders, tickets and holds in Django admin: searchable and read-only. Money moves only through services:
"Refund in full" calls payment_refund_full, which refunds at the provider and writes the audit log."""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from payments.admin import ReadOnlyAdmin, refund_orders_in_full
from tickets.admin_refunds import OrderRefundAdminMixin
from tickets.admin_transfers import TicketTransferInline, reissue_tickets
from tickets.models import Hold, HoldLine, Order, OrderLine, Referral, ReferralLink, Ticket


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = ["ticket_type", "quantity", "unit_price", "total"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ticket_type")


class TicketInline(ReadOnlyInline):
    model = Ticket
    fields = readonly_fields = ["serial", "attendee_name", "ticket_type", "seat_display", "price", "status"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ticket_type", "seat__row__section")

    @admin.display(description=_("seat"))
    def seat_display(self, obj: Ticket) -> str:
        return _seat(obj)


class HoldLineInline(ReadOnlyInline):
    model = HoldLine
    fields = readonly_fields = ["ticket_type", "quantity", "unit_price"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ticket_type")


def _seat(ticket: Ticket) -> str:
    if ticket.seat is None:
        return "—"
    return f"{ticket.seat.row.section.name} · {ticket.seat.row.label}{ticket.seat.number}"


@admin.register(Order)
class OrderAdmin(OrderRefundAdminMixin, ReadOnlyAdmin):
    list_display = ["code", "event", "buyer_email", "status", "tickets", "total_display", "created_at", "paid_at"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["code", "buyer__email", "buyer__name", "tickets__serial"]
    search_help_text = _("Order code, buyer e-mail or name, or a ticket serial.")
    list_select_related = ["event", "buyer"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "code",
        "event",
        "buyer",
        "status",
        "currency",
        "subtotal",
        "discount",
        "total",
        "hold",
        "expires_at",
        "paid_at",
        "cancelled_at",
        "created_at",
        "updated_at",
    ]
    inlines = [OrderLineInline, TicketInline]
    actions = ["refund_in_full"]

    def get_queryset(self, request):
        tickets = Ticket.objects.filter(order=OuterRef("pk")).order_by().values("order").annotate(n=Count("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(tickets_count=Coalesce(Subquery(tickets.values("n"), output_field=IntegerField()), Value(0)))
        )

    @admin.display(description=_("buyer"), ordering="buyer__email")
    def buyer_email(self, obj: Order) -> str:
        return obj.buyer.email

    @admin.display(description=_("tickets"), ordering="tickets_count")
    def tickets(self, obj: Order) -> int:
        return obj.tickets_count

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: Order) -> str:
        return f"{obj.total} {obj.currency}"

    def has_refund_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_admin

    @admin.action(description=_("Refund in full"), permissions=["refund"])
    def refund_in_full(self, request, queryset: QuerySet[Order]):
        """Ask for a reason on a confirmation page, then refund each selected order in full (audited)."""
        orders = list(queryset.select_related("buyer", "event").order_by("pk"))
        return refund_orders_in_full(self, request, orders=orders, selected=orders)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["serial", "attendee_name", "event", "ticket_type", "order_code", "buyer_email", "status"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["serial", "attendee_name", "order__code", "order__buyer__email"]
    search_help_text = _("Serial, attendee name, order code or buyer e-mail.")
    list_select_related = ["event", "ticket_type", "order__buyer"]
    # The secret is what the QR code carries: whoever reads it can enter. Never shown here.
    fields = readonly_fields = [
        "serial",
        "attendee_name",
        "event",
        "ticket_type",
        "seat_display",
        "price",
        "status",
        "version",
        "order",
        "holder",
        "created_at",
        "updated_at",
    ]
    inlines = [TicketTransferInline]
    actions = ["reissue"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seat__row__section")

    def has_reissue_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_admin

    @admin.action(description=_("Reissue (new QR code)"), permissions=["reissue"])
    def reissue(self, request, queryset: QuerySet[Ticket]):
        return reissue_tickets(self, request, queryset)

    @admin.display(description=_("order"), ordering="order__code")
    def order_code(self, obj: Ticket) -> str:
        return obj.order.code

    @admin.display(description=_("buyer"), ordering="order__buyer__email")
    def buyer_email(self, obj: Ticket) -> str:
        return obj.order.buyer.email

    @admin.display(description=_("seat"))
    def seat_display(self, obj: Ticket) -> str:
        return _seat(obj)


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "event", "buyer", "status", "total", "currency", "expires_at", "created_at"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=public_id", "buyer__email"]
    list_select_related = ["event", "buyer"]
    fields = readonly_fields = [
        "public_id",
        "event",
        "buyer",
        "status",
        "total",
        "currency",
        "expires_at",
        "created_at",
        "updated_at",
    ]
    inlines = [HoldLineInline]


# --- referral program (read-only: links and rewards are written by tickets.services.referrals) -----------------


@admin.register(ReferralLink)
class ReferralLinkAdmin(ReadOnlyAdmin):
    list_display = ["code", "event", "referrer", "created_at"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=code", "referrer__email"]
    search_help_text = _("Referral code or referrer e-mail.")
    list_select_related = ["event", "referrer"]
    fields = readonly_fields = ["code", "event", "referrer", "created_at"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["order", "event", "referrer_email", "referred_user", "status", "discount", "reward_code"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["order__code", "link__code", "link__referrer__email", "referred_user__email"]
    search_help_text = _("Order code, referral code, referrer or buyer e-mail.")
    list_select_related = ["order", "event", "link__referrer", "referred_user", "reward_code"]
    fields = readonly_fields = [
        "event",
        "link",
        "order",
        "referred_user",
        "status",
        "discount",
        "reward_code",
        "reward_was_used",
        "rewarded_at",
        "revoked_at",
        "created_at",
    ]

    @admin.display(description=_("referrer"), ordering="link__referrer__email")
    def referrer_email(self, obj: Referral) -> str:
        return obj.link.referrer.email


from tickets import admin_applications, admin_promo  # noqa: E402, F401  (register ApplicationAdmin, PromoCodeAdmin)
