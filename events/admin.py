"""Moderation of the catalogue in Django admin (SPEC §0: admin is the moderation tool).

Every action and every change saved here writes the audit log with the admin as actor; status changes go
through the same services organizers use, so the same rules (and the same audit entries) apply.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.http import client_ip
from core.services import audit_record
from events.models import CapacityPool, Category, Event, EventStaff, PriceChange, TicketType, Venue, WishlistItem
from events.services.events import event_cancel, event_delete, event_set_featured, event_unpublish
from events.services.ticket_types import TICKET_TYPE_FIELDS, ticket_type_update

MODERATION_CANCEL_REASON = "Cancelled by moderation"


def refuse_domain_errors(model_admin: admin.ModelAdmin, request, view, *args):
    """Run an admin view; a business rule that says no at the last moment (a sale raced the form) becomes a
    message on the same page instead of a server error. The view's transaction has been rolled back."""
    try:
        return view(request, *args)
    except DomainError as exc:
        model_admin.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


class AuditedAdmin(admin.ModelAdmin):
    """Records every add, change and delete made in the admin as ``<audit_name>.<verb>_by_admin``."""

    audit_name = ""

    def audit(self, request, action: str, target, data: dict | None = None, now=None) -> None:
        audit_record(
            actor=request.user,
            action=f"{self.audit_name}.{action}",
            target=target,
            data=data,
            ip_address=client_ip(request),
            now=now,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            if form.changed_data:
                self.audit(request, "edited_by_admin", obj, {"fields": form.changed_data})
        else:
            self.audit(request, "created_by_admin", obj)

    def delete_model(self, request, obj):
        self.audit(request, "deleted_by_admin", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.audit(request, "deleted_by_admin", obj)
            super().delete_queryset(request, queryset)


# --- catalogue basics --------------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    audit_name = "category"
    list_display = ["name", "slug", "icon", "colour", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "icon", "colour", "position"]


@admin.register(Venue)
class VenueAdmin(AuditedAdmin):
    audit_name = "venue"
    list_display = ["name", "city", "country", "organizer"]
    list_filter = ["country", "city"]
    search_fields = ["name", "city", "address", "organizer__email"]
    list_select_related = ["organizer"]
    autocomplete_fields = ["organizer"]


# --- events ------------------------------------------------------------------------------------------------


class TicketTypeInline(admin.TabularInline):
    """Read-only overview; a ticket type is edited on its own page, through the ticket-type service."""

    model = TicketType
    fields = ["name", "price", "capacity", "sold", "held", "pool", "sales_start", "sales_end", "is_hidden"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CapacityPoolInline(admin.TabularInline):
    model = CapacityPool
    fields = ["name", "capacity", "sold", "held"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    """Moderation: edit texts, feature, unpublish or cancel. Status only changes through the actions."""

    audit_name = "event"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "organizer", "category", "city", "starts_at", "status", "visibility", "featured"]
    list_filter = ["status", "category", "featured", ("organizer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "organizer__email", "venue__city"]
    list_select_related = ["organizer", "category", "venue"]
    autocomplete_fields = ["organizer", "venue"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-id"]
    inlines = [TicketTypeInline, CapacityPoolInline]
    actions = ["feature", "unfeature", "unpublish", "cancel"]
    readonly_fields = ["status", "published_at", "cancelled_at", "cancellation_reason", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "organizer", "category", "summary", "description", "cover"]}),
        (_("Where and when"), {"fields": ["venue", "online_url", "starts_at", "ends_at", "timezone"]}),
        (_("Moderation"), {"fields": ["status", "visibility", "featured", "published_at", "cancelled_at"]}),
        (
            _("Sales"),
            {
                "fields": [
                    "currency",
                    "max_tickets_per_order",
                    "max_tickets_per_user",
                    "requires_approval",
                    "refund_policy",
                    "refund_fee",
                    "transfers_enabled",
                    "transfer_cutoff_hours",
                    "cancellation_reason",
                ]
            },
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("city"), ordering="venue__city")
    def city(self, event: Event) -> str:
        return event.venue.city if event.venue_id else _("Online")

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every shared link: fixed once the event exists.
        return [*self.readonly_fields, "slug"] if obj is not None else self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]} if obj is None else {}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting goes through event_delete, one event at a time
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.ticket_types.filter(Q(sold__gt=0) | Q(held__gt=0)).exists():
            return False  # tickets were sold or reserved: cancel it instead
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        return refuse_domain_errors(self, request, super().delete_view, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        if "featured" in form.changed_data:
            self.audit(request, "featured" if obj.featured else "unfeatured", obj)
        other = [field for field in form.changed_data if field != "featured"]
        if other:
            self.audit(request, "edited_by_admin", obj, {"fields": other})

    def delete_model(self, request, obj):
        event_delete(event=obj, actor=request.user, now=timezone.now())

    def _report(self, request, done: int, failures: list[str], verb: str) -> None:
        if done:
            message = ngettext("%(count)d event %(verb)s.", "%(count)d events %(verb)s.", done)
            self.message_user(request, message % {"count": done, "verb": verb}, messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.WARNING)

    def _set_featured(self, request, queryset, featured: bool) -> None:
        now = timezone.now()
        done, failures = 0, []
        for event in queryset.order_by("pk"):
            if event.featured == featured:
                continue
            try:
                event_set_featured(event=event, featured=featured, actor=request.user, now=now)
            except DomainError as exc:
                failures.append(f"{event}: {exc.message}")
            else:
                done += 1
        self._report(request, done, failures, _("featured") if featured else _("no longer featured"))

    @admin.action(description=_("Feature on the home page"))
    def feature(self, request, queryset):
        self._set_featured(request, queryset, True)

    @admin.action(description=_("Stop featuring"))
    def unfeature(self, request, queryset):
        self._set_featured(request, queryset, False)

    @admin.action(description=_("Unpublish (back to draft; only without sales)"))
    def unpublish(self, request, queryset):
        now = timezone.now()
        done, failures = 0, []
        for event in queryset.order_by("pk"):
            try:
                event_unpublish(event=event, actor=request.user, now=now)
            except DomainError as exc:
                failures.append(f"{event}: {exc.message}")
            else:
                done += 1
        self._report(request, done, failures, _("unpublished"))

    @admin.action(description=_("Cancel (by moderation)"))
    def cancel(self, request, queryset):
        now = timezone.now()
        done, failures = 0, []
        for event in queryset.order_by("pk"):
            try:
                event_cancel(event=event, actor=request.user, reason=MODERATION_CANCEL_REASON, now=now)
            except DomainError as exc:
                failures.append(f"{event}: {exc.message}")
            else:
                done += 1
        self._report(request, done, failures, _("cancelled"))


# --- ticket types, staff, wishlists ------------------------------------------------------------------------


class TicketTypeAdminForm(forms.ModelForm):
    class Meta:
        model = TicketType
        fields = [field for field in TICKET_TYPE_FIELDS if field != "pool"] + ["pool"]

    def clean(self):
        cleaned = super().clean()
        ticket_type = self.instance
        if ticket_type.event.status in (Event.Status.CANCELLED, Event.Status.ENDED):
            raise forms.ValidationError(_("The event is cancelled or over; its ticket types are frozen."))
        capacity = cleaned.get("capacity")
        if capacity is not None and capacity < ticket_type.sold + ticket_type.held:
            self.add_error(
                "capacity",
                _("%(taken)d tickets are sold or reserved; the capacity cannot be lower.")
                % {"taken": ticket_type.sold + ticket_type.held},
            )
        pool = cleaned.get("pool")
        if pool is not None and pool.event_id != ticket_type.event_id:
            self.add_error("pool", _("Choose a shared capacity of this event."))
        return cleaned


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    """Counters are read-only (the booking flow owns them); changes go through ``ticket_type_update``."""

    form = TicketTypeAdminForm
    list_display = ["name", "event", "price", "capacity", "sold", "held", "available", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["name", "event__title"]
    list_select_related = ["event"]
    readonly_fields = ["event", "sold", "held", "current_price", "price_history"]
    fields = [
        "event",
        "name",
        "description",
        "price",
        "capacity",
        "sold",
        "held",
        "pool",
        "sales_start",
        "sales_end",
        "min_per_order",
        "max_per_order",
        "is_hidden",
        "unlock_code",
        "position",
        "dynamic_pricing",
        "price_floor",
        "price_ceiling",
        "pricing_rules",
        "current_price",
        "price_history",
    ]

    @admin.display(description=_("price history"))
    def price_history(self, ticket_type: TicketType):
        """The latest recorded prices (dynamic pricing), newest first; written by events.services.pricing only."""
        changes = PriceChange.objects.filter(ticket_type=ticket_type).order_by("-at", "-id")[:20]
        if not changes:
            return _("No price changes recorded.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} — {} (was {}): {}</li>", ((c.at, c.price, c.previous_price, c.reason) for c in changes)
            ),
        )

    @admin.display(description=_("available"))
    def available(self, ticket_type: TicketType) -> int:
        return ticket_type.available

    def has_add_permission(self, request) -> bool:
        return False  # organizers add ticket types to their events

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pool":
            kwargs["queryset"] = CapacityPool.objects.select_related("event")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return refuse_domain_errors(self, request, super().changeform_view, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in form.changed_data if field in TICKET_TYPE_FIELDS}
        ticket_type_update(ticket_type=obj, actor=request.user, data=data, now=timezone.now())


@admin.register(EventStaff)
class EventStaffAdmin(AuditedAdmin):
    audit_name = "event_staff"
    list_display = ["user", "event", "added_by", "created_at"]
    search_fields = ["user__email", "event__title"]
    list_select_related = ["user", "event", "added_by"]
    autocomplete_fields = ["event", "user"]
    fields = ["event", "user", "added_by", "created_at"]
    readonly_fields = ["added_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WishlistItem)
class WishlistItemAdmin(AuditedAdmin):
    audit_name = "wishlist_item"
    list_display = ["user", "event", "created_at"]
    search_fields = ["user__email", "event__title"]
    list_select_related = ["user", "event"]
    autocomplete_fields = ["event", "user"]
    fields = ["user", "event", "created_at"]
    readonly_fields = ["created_at"]
