"""Django admin for reissues and transfers: the "Reissue (new QR code)" action on tickets (a confirmation page
asking for a reason, then ``ticket_reissue_by_organizer`` for each ticket: audited, holder e-mailed) and the
read-only list of transfers. Imported by tickets/admin.py."""

from django.contrib import admin
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import AuditReasonForm, admin_apply_each, confirmation_page
from payments.admin import ReadOnlyAdmin
from tickets.models import Ticket, TicketTransfer
from tickets.services.reissues import ticket_reissue_by_organizer


def reissue_tickets(model_admin, request, queryset: QuerySet[Ticket]) -> TemplateResponse | None:
    """Ask for a reason on a confirmation page, then give each selected ticket a new QR code."""
    tickets = list(queryset.select_related("event", "order__buyer", "holder").order_by("pk"))
    form = AuditReasonForm.for_request(request)
    if form.is_bound and form.is_valid():
        now = timezone.now()
        admin_apply_each(
            model_admin,
            request,
            tickets,
            lambda ticket: ticket_reissue_by_organizer(
                ticket=ticket, actor=request.user, reason=form.cleaned_data["reason"], now=now
            ),
            label=lambda ticket: ticket.serial,
            done=lambda count: (
                ngettext("%(count)d ticket has a new QR code.", "%(count)d tickets have a new QR code.", count)
                % {"count": count}
            ),
        )
        return None
    return confirmation_page(
        model_admin,
        request,
        template="admin/tickets/reissue.html",
        action="reissue",
        title=_("Reissue tickets"),
        submit_label=_("Reissue"),
        selected_ids=[ticket.pk for ticket in tickets],
        form=form,
        tickets=tickets,
    )


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
