"""Organizer API: my events and their life cycle, gate staff and my venues (SPEC §10).

Ticket types and shared capacities are in ``events.api.organizer_ticket_types``.

Every object is fetched through a scoped selector, so another organizer's object answers 404; every write
goes through a service, which validates, records the audit entry and owns the transaction.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from events.api.serializers import (
    CapacityPoolOutput,
    CategoryOutput,
    OrganizerTicketTypeOutput,
    SlugOrIdField,
    StrictInput,
    VenueBriefOutput,
    VenueOutput,
    merged_value,
)
from events.models import CapacityPool, Category, Event, Venue, validate_timezone
from events.questions import questions_clean
from events.selectors.organizer import (
    event_get_for_organizer,
    event_list_for_organizer,
    venue_list_for_organizer,
)
from events.services.events import (
    event_cancel,
    event_create,
    event_delete,
    event_duplicate,
    event_publish,
    event_unpublish,
    event_update,
    venue_create,
)

# --- permissions and shared serializers -------------------------------------------------------------------


class IsOrganizer(BasePermission):
    """Organizers and admins; attendees are refused with 403."""

    message = _("Only organizers can do this.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_organizer)


class OrganizerApi(APIView):
    permission_classes = [IsAuthenticated, IsOrganizer]


class RefundTierInput(serializers.Serializer):
    hours_before = serializers.IntegerField(min_value=0, max_value=24 * 365)
    percent = serializers.IntegerField(min_value=0, max_value=100)


class OrganizerEventListItemOutput(serializers.ModelSerializer):
    """One of my events in the list, with the sales totals annotated by ``event_list_for_organizer``."""

    category = CategoryOutput(read_only=True)
    venue = VenueBriefOutput(read_only=True, allow_null=True)
    online = serializers.BooleanField(source="is_online", read_only=True)
    tickets_sold = serializers.IntegerField(read_only=True)
    tickets_capacity = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "status",
            "visibility",
            "featured",
            "category",
            "venue",
            "online",
            "starts_at",
            "ends_at",
            "timezone",
            "currency",
            "tickets_sold",
            "tickets_capacity",
        ]
        read_only_fields = fields


class OrganizerEventOutput(serializers.ModelSerializer):
    """An event with everything its organizer may see and change."""

    category = CategoryOutput(read_only=True)
    venue = VenueOutput(read_only=True, allow_null=True)
    online = serializers.BooleanField(source="is_online", read_only=True)
    cover = serializers.ImageField(read_only=True, allow_null=True)
    refund_policy = RefundTierInput(many=True, read_only=True)
    ticket_types = OrganizerTicketTypeOutput(many=True, read_only=True)
    capacity_pools = CapacityPoolOutput(many=True, read_only=True)
    public_url = serializers.HyperlinkedIdentityField(view_name="api-event-detail", lookup_field="slug", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "description",
            "category",
            "venue",
            "online",
            "online_url",
            "starts_at",
            "ends_at",
            "timezone",
            "cover",
            "status",
            "visibility",
            "featured",
            "currency",
            "max_tickets_per_order",
            "max_tickets_per_user",
            "requires_approval",
            "application_questions",
            "refund_policy",
            "refund_fee",
            "transfers_enabled",
            "transfer_cutoff_hours",
            "published_at",
            "cancelled_at",
            "cancellation_reason",
            "created_at",
            "updated_at",
            "ticket_types",
            "capacity_pools",
            "public_url",
        ]
        read_only_fields = fields


def event_output(request, event: Event) -> dict:
    """The full organizer view of an event, read fresh (ticket types and shared capacities included)."""
    event = (
        Event.objects.select_related("category", "venue")
        .prefetch_related(
            "ticket_types",
            Prefetch(
                "capacity_pools", queryset=CapacityPool.objects.prefetch_related("ticket_types").order_by("name", "id")
            ),
        )
        .get(pk=event.pk)
    )
    return OrganizerEventOutput(event, context={"request": request}).data


# --- events -------------------------------------------------------------------------------------------------


class EventInput(StrictInput):
    """The writable fields of an event. Status, organizer, featured and slug are never writable."""

    title = serializers.CharField(max_length=140)
    summary = serializers.CharField(max_length=240, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    category = SlugOrIdField(object_name="category", queryset=Category.objects.all())
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Choose one of your venues.")},
    )
    online_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone])
    cover = serializers.ImageField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Event.Visibility.choices, required=False)
    currency = serializers.RegexField(
        r"^[A-Z]{3}$", required=False, error_messages={"invalid": _("Use a three-letter ISO code such as EUR.")}
    )
    max_tickets_per_order = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    max_tickets_per_user = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    requires_approval = serializers.BooleanField(required=False)
    application_questions = serializers.JSONField(
        required=False, help_text="Questions applicants answer: labels, or {label, required} objects."
    )
    refund_policy = RefundTierInput(many=True, required=False)
    refund_fee = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False)
    transfers_enabled = serializers.BooleanField(required=False)
    transfer_cutoff_hours = serializers.IntegerField(min_value=0, max_value=24 * 365, required=False, allow_null=True)

    def __init__(self, *args, owner: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if owner is not None:
            self.fields["venue"].queryset = Venue.objects.filter(organizer=owner)

    def validate_application_questions(self, value):
        try:
            return questions_clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs):
        errors = {}
        starts_at, ends_at = merged_value(self, attrs, "starts_at"), merged_value(self, attrs, "ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            errors["ends_at"] = [_("The end must be after the start.")]
        if merged_value(self, attrs, "venue") is None and not merged_value(self, attrs, "online_url"):
            errors["venue"] = [_("Choose a venue or give an online link.")]
        if "cover" in attrs and attrs["cover"] is None:
            attrs["cover"] = ""
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class OrganizerEventListApi(generics.ListAPIView):
    """My events (every event for admins), newest start first; ``?status=`` narrows the list."""

    permission_classes = [IsAuthenticated, IsOrganizer]
    serializer_class = OrganizerEventListItemOutput
    filterset_fields = ["status"]
    filter_backends = [DjangoFilterBackend]
    queryset = Event.objects.none()  # for the schema; the real one is scoped per request

    class Input(EventInput):
        pass

    def get_queryset(self):
        return event_list_for_organizer(organizer=self.request.user)

    @extend_schema(summary="My events")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=Input, responses={201: OrganizerEventOutput}, summary="Create a draft event")
    def post(self, request):
        data = self.Input(data=request.data, owner=request.user)
        data.is_valid(raise_exception=True)
        event = event_create(organizer=request.user, data=data.validated_data, now=timezone.now())
        return Response(event_output(request, event), status=status.HTTP_201_CREATED)


class OrganizerEventDetailApi(OrganizerApi):
    class Input(EventInput):
        pass

    @extend_schema(responses={200: OrganizerEventOutput}, summary="One of my events")
    def get(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        return Response(event_output(request, event))

    @extend_schema(request=Input, responses={200: OrganizerEventOutput}, summary="Edit an event")
    def patch(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(event, data=request.data, partial=True, owner=event.organizer)
        data.is_valid(raise_exception=True)
        event = event_update(event=event, actor=request.user, data=data.validated_data, now=timezone.now())
        return Response(event_output(request, event))

    @extend_schema(responses={204: None}, summary="Delete an event that never sold anything")
    def delete(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        event_delete(event=event, actor=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizerEventPublishApi(OrganizerApi):
    @extend_schema(request=None, responses={200: OrganizerEventOutput}, summary="Put a draft on sale")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        event = event_publish(event=event, actor=request.user, now=timezone.now())
        return Response(event_output(request, event))


class OrganizerEventUnpublishApi(OrganizerApi):
    @extend_schema(request=None, responses={200: OrganizerEventOutput}, summary="Take an unsold event back to draft")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        event = event_unpublish(event=event, actor=request.user, now=timezone.now())
        return Response(event_output(request, event))


class OrganizerEventDuplicateApi(OrganizerApi):
    @extend_schema(request=None, responses={201: OrganizerEventOutput}, summary="Copy an event as a new draft")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        copy = event_duplicate(event=event, actor=request.user, now=timezone.now())
        return Response(event_output(request, copy), status=status.HTTP_201_CREATED)


class OrganizerEventCancelApi(OrganizerApi):
    class Input(StrictInput):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(request=Input, responses={200: OrganizerEventOutput}, summary="Cancel an event for good")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_cancel(event=event, actor=request.user, reason=data.validated_data["reason"], now=timezone.now())
        return Response(event_output(request, event))


# --- venues -------------------------------------------------------------------------------------------------------


class OrganizerVenueListApi(generics.ListAPIView):
    """The venues I can hold events at (every venue for admins)."""

    permission_classes = [IsAuthenticated, IsOrganizer]
    serializer_class = VenueOutput
    filter_backends: list = []
    queryset = Venue.objects.none()  # for the schema; the real one is scoped per request

    class Input(StrictInput):
        name = serializers.CharField(max_length=120)
        address = serializers.CharField(max_length=200)
        city = serializers.CharField(max_length=100)
        postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
        country = serializers.RegexField(
            r"^[A-Za-z]{2}$", error_messages={"invalid": _("Use a two-letter ISO code such as DE.")}
        )
        latitude = serializers.DecimalField(
            max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
        )
        longitude = serializers.DecimalField(
            max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
        )

        def validate_country(self, value: str) -> str:
            return value.upper()

    def get_queryset(self):
        return venue_list_for_organizer(organizer=self.request.user)

    @extend_schema(summary="My venues")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=Input, responses={201: VenueOutput}, summary="Add a venue")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        venue = venue_create(organizer=request.user, data=data.validated_data, now=timezone.now())
        return Response(VenueOutput(venue).data, status=status.HTTP_201_CREATED)
