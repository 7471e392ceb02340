"""Django admin for reissues and transfers: the "Reissue (new QR code)" action on tickets (a confirmation page
asking for a reason, then ``ticket_reissue_by_organizer`` for each ticket: audited, holder e-mailed) and the
read-only list of transfers. Imported by tickets/admin.py."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError
from payments.admin import ReadOnlyAdmin
from tickets.models import Ticket, TicketTransfer
from tickets.services.reissues import ticket_reissue_by_organizer


class ReissueReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def reissue_tickets(model_admin, request, queryset: QuerySet[Ticket]) -> TemplateResponse | None:
    """Ask for a reason on a confirmation page, then give each selected ticket a new QR code."""
    tickets = list(queryset.select_related("event", "order__buyer", "holder").order_by("pk"))
    form = ReissueReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done, now = 0, timezone.now()
        for ticket in tickets:
            try:
                ticket_reissue_by_organizer(
                    ticket=ticket, actor=request.user, reason=form.cleaned_data["reason"], now=now
                )
                done += 1
            except DomainError as exc:
                model_admin.message_user(request, f"{ticket.serial}: {exc.message}", messages.WARNING)
        if done:
            model_admin.message_user(
                request,
                ngettext("%(count)d ticket has a new QR code.", "%(count)d tickets have a new QR code.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Reissue tickets"),
        "opts": model_admin.model._meta,
        "tickets": tickets,
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/tickets/reissue.html", context)


class TicketTransferInline(admin.TabularInline):
    model = TicketTransfer
    extra = 0
    can_delete = False
    fields = readonly_fields = ["from_user", "to_email", "status", "created_at", "expires_at", "accepted_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_user", "accepted_by")


@admin.register(TicketTransfer)
class TicketTransferAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "event", "from_user", "to_email", "status", "created_at", "expires_at", "accepted_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["ticket__serial", "from_user__email", "to_email", "accepted_by__email"]
    search_help_text = _("Ticket serial, sender, recipient or accepting e-mail.")
    list_select_related = ["ticket__event", "from_user"]
    date_hierarchy = "created_at"
    # token_hash is left out: it identifies the link.
    fields = readonly_fields = [
        "ticket",
        "from_user",
        "to_email",
        "to_name",
        "message",
        "status",
        "expires_at",
        "accepted_by",
        "accepted_at",
        "closed_at",
        "created_at",
    ]

    @admin.display(description=_("event"), ordering="ticket__event__title")
    def event(self, obj: TicketTransfer):
        return obj.ticket.event
