"""Partial refunds in Django admin: any amount of an order, optionally revoking some of its tickets.

Added to OrderAdmin as a page of its own (``…/order/<id>/refund/``, linked from the order page) that calls
``order_refund_by_admin`` (audited). Full refunds stay a bulk action ("Refund in full").
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.http import client_ip
from payments.models import Payment
from payments.services.refunds import payment_refund_committed
from tickets.models import Order, Ticket
from tickets.selectors_cancellations import order_refund_list
from tickets.services.cancellations import KEPT, order_refund_by_admin


class TicketChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, ticket: Ticket) -> str:
        return f"{ticket.serial} — {ticket.attendee_name} ({ticket.ticket_type.name}, {ticket.price})"


class OrderRefundForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount to refund"), min_value=Decimal("0"), max_digits=12, decimal_places=2
    )
    tickets = TicketChoiceField(
        label=gettext_lazy("Tickets to revoke"),
        queryset=Ticket.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Optional. Revoked tickets stop working at once and go back on sale."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the audit log)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, order: Order, refundable: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable = refundable
        valid = (
            order.tickets.filter(status=Ticket.Status.VALID)
            if order.status == Order.Status.PAID
            else Ticket.objects.none()
        )
        self.fields["tickets"].queryset = valid.select_related("ticket_type").order_by("pk")
        self.fields["amount"].initial = refundable
        self.fields["amount"].help_text = _("At most %(amount)s %(currency)s (what is left of the payments).") % {
            "amount": refundable,
            "currency": order.currency,
        }

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        if amount is not None and amount > self.refundable:
            self.add_error("amount", _("At most %(amount)s can be refunded.") % {"amount": self.refundable})
        elif amount == 0 and not cleaned.get("tickets"):
            raise forms.ValidationError(_("Enter an amount to refund or choose tickets to revoke."))
        return cleaned


class OrderRefundAdminMixin:
    """For OrderAdmin (which defines ``has_refund_permission``)."""

    change_form_template = "admin/tickets/order/change_form.html"

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_refund",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_refund": self.has_refund_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def refund_view(self, request, object_id):
        if not self.has_refund_permission(request):
            raise PermissionDenied
        order = self.get_object(request, object_id)
        if order is None:
            raise Http404
        payments = list(Payment.objects.filter(order=order, status__in=KEPT).order_by("pk"))
        refundable = sum(
            (payment.amount - payment_refund_committed(payment=payment) for payment in payments), Decimal(0)
        )
        form = OrderRefundForm(request.POST or None, order=order, refundable=refundable)
        if request.method == "POST" and form.is_valid():
            try:
                result = order_refund_by_admin(
                    order=order,
                    actor=request.user,
                    amount=form.cleaned_data["amount"],
                    ticket_ids=[ticket.pk for ticket in form.cleaned_data["tickets"]],
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                    ip_address=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    _("%(amount)s %(currency)s is being refunded; %(count)d ticket(s) revoked.")
                    % {"amount": result.refund_amount, "currency": order.currency, "count": len(result.tickets)},
                    messages.SUCCESS,
                )
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", order.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund order %(code)s") % {"code": order.code},
            "opts": self.opts,
            "original": order,
            "order": order,
            "form": form,
            "refundable": refundable,
            "refunds": order_refund_list(order=order),
        }
        return TemplateResponse(request, "admin/tickets/order/refund.html", context)
