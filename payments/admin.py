"""Moderation of payments. Nothing here edits money by hand: refunds go through payment_refund_full (audited)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import AuditReasonForm, admin_apply_each, confirmation_page
from core.errors import DomainError
from core.http import client_ip
from payments.models import Payment, Refund, WebhookEvent
from payments.services.refunds import payment_refund_committed, payment_refund_full, refund_retry
from tickets.models import Order


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the payment services; admins look, they do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = [
        "id",
        "amount",
        "status",
        "kind",
        "reason",
        "requested_by",
        "provider_refund_id",
        "attempts",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def refund_orders_in_full(model_admin, request, *, orders: list[Order], selected) -> TemplateResponse | None:
    """The "Refund in full" admin action shared by payments and orders: a confirmation page asking for
    a reason, then ``payment_refund_full`` (audited) for each order."""
    form = AuditReasonForm.for_request(request)
    if form.is_bound and form.is_valid():
        now, ip_address = timezone.now(), client_ip(request)
        admin_apply_each(
            model_admin,
            request,
            orders,
            lambda order: payment_refund_full(
                order=order, actor=request.user, reason=form.cleaned_data["reason"], now=now, ip_address=ip_address
            ),
            label=lambda order: order.code,
            done=lambda count: (
                ngettext("%(count)d order is being refunded.", "%(count)d orders are being refunded.", count)
                % {"count": count}
            ),
        )
        return None
    kept = [Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED]
    rows = [
        {
            "order": order,
            "amount": sum(
                payment.amount - payment_refund_committed(payment=payment)
                for payment in order.payments.filter(status__in=kept)
            ),
        }
        for order in orders
    ]
    return confirmation_page(
        model_admin,
        request,
        template="admin/payments/refund_in_full.html",
        action="refund_in_full",
        title=_("Refund in full"),
        submit_label=_("Refund in full"),
        selected_ids=[item.pk for item in selected],
        form=form,
        rows=rows,
    )


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "order_code", "buyer_email", "provider", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "provider", "currency", "created_at"]
    search_fields = ["order__code", "order__buyer__email", "provider_payment_id"]
    list_select_related = ["order", "order__buyer"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "order",
        "provider",
        "amount",
        "currency",
        "status",
        "provider_payment_id",
        "failure_code",
        "failure_message",
        "created_at",
        "updated_at",
        "succeeded_at",
    ]
    exclude = ["client_secret", "idempotency_key"]
    inlines = [RefundInline]
    actions = ["refund_in_full"]

    @admin.display(description=_("order"), ordering="order__code")
    def order_code(self, obj: Payment) -> str:
        return obj.order.code

    @admin.display(description=_("buyer"), ordering="order__buyer__email")
    def buyer_email(self, obj: Payment) -> str:
        return obj.order.buyer.email

    def has_refund_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_admin

    @admin.action(description=_("Refund in full (the whole order)"), permissions=["refund"])
    def refund_in_full(self, request, queryset: QuerySet[Payment]):
        """Ask for a reason on a confirmation page, then refund each selected payment's order in full."""
        orders = Order.objects.filter(pk__in=queryset.values("order_id")).select_related("buyer", "event")
        return refund_orders_in_full(self, request, orders=list(orders), selected=queryset)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "order_code",
        "amount",
        "status",
        "kind",
        "requested_by",
        "attempts",
        "next_attempt_at",
        "error",
        "created_at",
    ]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["payment__order__code", "payment__order__buyer__email", "provider_refund_id"]
    list_select_related = ["payment__order", "requested_by"]
    exclude = ["idempotency_key", "claimed_at"]
    actions = ["retry_failed"]

    @admin.display(description=_("order"), ordering="payment__order__code")
    def order_code(self, obj: Refund) -> str:
        return obj.payment.order.code

    @admin.display(description=_("last error"))
    def error(self, obj: Refund) -> str:
        return obj.last_error[:80] + ("…" if len(obj.last_error) > 80 else "")

    def has_refund_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_admin

    @admin.action(description=_("Send failed refunds again"), permissions=["refund"])
    def retry_failed(self, request, queryset: QuerySet[Refund]):
        """Send each selected failed refund to the provider again (audited); others are reported and skipped."""
        retried, now = 0, timezone.now()
        for refund in queryset.order_by("pk"):
            try:
                refund_retry(refund=refund, actor=request.user, now=now, ip_address=client_ip(request))
                retried += 1
            except DomainError as exc:
                self.message_user(request, f"#{refund.pk}: {exc.message}", messages.WARNING)
        if retried:
            self.message_user(
                request,
                ngettext("%(count)d refund is being sent again.", "%(count)d refunds are being sent again.", retried)
                % {"count": retried},
                messages.SUCCESS,
            )


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "provider", "received_at", "processed_at", "attempts"]
    list_filter = ["provider", "type", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["event_id"]
    date_hierarchy = "received_at"
