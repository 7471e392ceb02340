"""Public catalogue API (categories, events, seat maps) and the wishlist (SPEC §10).

The organizer API lives in ``events.api.organizer``; serializers shared by both in ``events.api.serializers``.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from core.errors import NotFound
from events.api.serializers import (
    CategoryOutput,
    EventListItemOutput,
    SlugOrIdReferenceField,
    StrictInput,
    VenueOutput,
)
from events.errors import NoSeatMap
from events.filters import EventFilter
from events.models import Event
from events.selectors.public import (
    TicketOffer,
    category_counts,
    event_get_public,
    event_is_wishlisted,
    event_ticket_offers,
    events_public,
    wishlist_list,
)
from events.selectors.seating import seat_ids_taken, seat_map_layout
from events.services.wishlist import wishlist_add, wishlist_remove
from tickets.selectors_promo import promo_code_unlocked_type_ids


class PublicApi(APIView):
    """Anyone may read the catalogue; anonymous visitors are throttled per IP."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]


# --- categories --------------------------------------------------------------------------------------------


class CategoryListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    pagination_class = None
    filter_backends: list = []

    class Output(CategoryOutput):
        upcoming_events = serializers.IntegerField(source="upcoming", read_only=True)

        class Meta(CategoryOutput.Meta):
            fields = [*CategoryOutput.Meta.fields, "upcoming_events"]
            read_only_fields = fields

    serializer_class = Output

    def get_queryset(self):
        return category_counts(now=timezone.now())

    @extend_schema(summary="Categories, with their number of upcoming events")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- events ------------------------------------------------------------------------------------------------


class EventListApi(generics.ListAPIView):
    """Published, listed events that have not ended; search, filters, ordering and pages (``page``,
    ``page_size``) as documented in ``events.filters``."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    serializer_class = EventListItemOutput
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilter
    queryset = Event.objects.none()  # for the schema; the real one depends on the clock and the viewer

    def get_queryset(self):
        return events_public(now=timezone.now(), viewer=self.request.user)

    @extend_schema(summary="Find events")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NextPriceChangeOutput(serializers.Serializer):
    """The next change of a dynamic price: after a number of tickets sold, or at a moment."""

    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    after_tickets = serializers.IntegerField(allow_null=True, help_text="More tickets sold before the change.")
    at = serializers.DateTimeField(allow_null=True, help_text="When the change happens (time-based rules).")
    message = serializers.CharField(help_text="The same in words, e.g. “Price rises to €55.00 after 12 more tickets”.")


class TicketOfferOutput(serializers.Serializer):
    """A ticket type as the public sees it now (``events.selectors.public.TicketOffer``)."""

    id = serializers.IntegerField(source="ticket_type.pk")
    name = serializers.CharField(source="ticket_type.name")
    description = serializers.CharField(source="ticket_type.description")
    price = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="The price if bought now.")
    currency = serializers.CharField(source="ticket_type.event.currency")
    available = serializers.IntegerField(help_text="Left to sell, shared capacity taken into account.")
    sales_start = serializers.DateTimeField(source="ticket_type.sales_start", allow_null=True)
    sales_end = serializers.DateTimeField(source="ticket_type.sales_end", allow_null=True)
    on_sale = serializers.SerializerMethodField()
    min_per_order = serializers.IntegerField(source="ticket_type.min_per_order")
    max_per_order = serializers.IntegerField(source="ticket_type.max_per_order")
    dynamic_pricing = serializers.BooleanField(source="ticket_type.dynamic_pricing")
    price_now = serializers.DecimalField(
        source="price", max_digits=10, decimal_places=2, help_text="The price a hold made now fixes."
    )
    next_change = serializers.SerializerMethodField(help_text="What moves a dynamic price next; null when nothing.")

    def get_on_sale(self, offer: TicketOffer) -> bool:
        published = offer.ticket_type.event.status == Event.Status.PUBLISHED
        return published and offer.state == TicketOffer.State.ON_SALE

    @extend_schema_field(NextPriceChangeOutput(allow_null=True))
    def get_next_change(self, offer: TicketOffer) -> dict | None:
        step = offer.next_change
        if step is None:
            return None
        return NextPriceChangeOutput(
            {
                "price": step.price,
                "after_tickets": step.after_tickets,
                "at": step.at,
                "message": offer.price_hints[0],
            }
        ).data


class EventOrganizerOutput(serializers.Serializer):
    name = serializers.CharField()


class EventDetailApi(PublicApi):
    class Output(serializers.ModelSerializer):
        category = CategoryOutput(read_only=True)
        venue = VenueOutput(read_only=True, allow_null=True)
        online = serializers.BooleanField(source="is_online", read_only=True)
        cover = serializers.ImageField(read_only=True, allow_null=True)
        organizer = EventOrganizerOutput(read_only=True)
        is_seated = serializers.BooleanField(read_only=True)
        saved = serializers.BooleanField(read_only=True, help_text="On my wishlist.")
        price_from = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, allow_null=True)
        ticket_types = TicketOfferOutput(source="offers", many=True, read_only=True)
        url = serializers.HyperlinkedIdentityField(view_name="api-event-detail", lookup_field="slug", read_only=True)

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
                "starts_at",
                "ends_at",
                "timezone",
                "cover",
                "status",
                "featured",
                "currency",
                "organizer",
                "is_seated",
                "requires_approval",
                "max_tickets_per_order",
                "max_tickets_per_user",
                "refund_policy",
                "refund_fee",
                "cancellation_reason",
                "price_from",
                "saved",
                "ticket_types",
                "url",
            ]
            read_only_fields = fields

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, description="Unlock code of hidden ticket types, or a promo code that unlocks"
            )
        ],
        responses={200: Output},
        summary="An event with its ticket types, prices now and availability",
    )
    def get(self, request, slug: str):
        now = timezone.now()
        event = event_get_public(slug=slug, user=request.user)
        code = request.query_params.get("code", "")[:40]
        unlocked = promo_code_unlocked_type_ids(event=event, code=code, now=now, buyer=request.user)
        event.offers = event_ticket_offers(event=event, now=now, code=code, unlocked_ids=unlocked)
        event.price_from = min((offer.price for offer in event.offers), default=None)
        event.is_seated = hasattr(event, "seat_map")
        event.saved = event_is_wishlisted(event=event, user=request.user)
        return Response(self.Output(event, context={"request": request}).data)


# --- seat maps ---------------------------------------------------------------------------------------------


class SeatOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    position = serializers.IntegerField(help_text="Place in the row from the left, gaps included.")
    removed = serializers.BooleanField(help_text="A gap (aisle, pillar): drawn, never sold.")
    state = serializers.ChoiceField(choices=["available", "taken", "removed"])


class SeatRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    seats = SeatOutput(many=True)


class SeatZoneOutput(serializers.Serializer):
    """A price zone: the ticket type that prices the seats of its sections."""

    id = serializers.IntegerField(help_text="The ticket type's id.")
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    seats = serializers.IntegerField()
    available = serializers.IntegerField()


class SeatSectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.IntegerField()
    ticket_type = SeatZoneOutput(source="zone", allow_null=True)
    rows = SeatRowOutput(many=True)


class EventSeatsApi(PublicApi):
    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        stage_label = serializers.CharField()
        currency = serializers.CharField()
        sections = SeatSectionOutput(many=True)
        zones = SeatZoneOutput(many=True)

    @extend_schema(
        responses={200: Output, 404: OpenApiResponse(description="No such event, or no seat map (no_seat_map)")},
        summary="The seat map of a seated event, with every seat's state",
    )
    def get(self, request, slug: str):
        event = event_get_public(slug=slug, user=request.user)
        layout = seat_map_layout(event=event, taken_seat_ids=seat_ids_taken(event=event))
        if layout is None:
            raise NoSeatMap()
        return Response(self.Output(layout).data)


# --- wishlist ----------------------------------------------------------------------------------------------


def event_get_for_wishlist(*, reference: str | int, user: User) -> Event:
    """An event the user may see, by slug or id.

    Raises: NotFound.
    """
    value = str(reference).strip()
    if not isinstance(reference, int):
        try:
            return event_get_public(slug=value, user=user)
        except NotFound:
            if not value.isdigit():
                raise
    slug = Event.objects.filter(pk=int(value)).values_list("slug", flat=True).first() if value.isdigit() else None
    if slug is None:
        raise NotFound()
    return event_get_public(slug=slug, user=user)


class WishlistInput(StrictInput):
    event = SlugOrIdReferenceField(help_text="The event's slug or id.")

    def validate_event(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise serializers.ValidationError(_("Give an event's slug or id."))
        try:
            return event_get_for_wishlist(reference=value, user=self.context["request"].user)
        except NotFound as exc:
            raise serializers.ValidationError(_("Unknown event “%(event)s”.") % {"event": str(value)[:80]}) from exc


class WishlistItemOutput(EventListItemOutput):
    saved_at = serializers.DateTimeField(read_only=True)

    class Meta(EventListItemOutput.Meta):
        fields = [*EventListItemOutput.Meta.fields, "saved_at"]
        read_only_fields = fields


class WishlistApi(generics.ListAPIView):
    """My saved events, most recently saved first. Saving and removing are idempotent."""

    permission_classes = [IsAuthenticated]
    serializer_class = WishlistItemOutput
    filter_backends: list = []
    queryset = Event.objects.none()  # for the schema; the real one is the user's

    class Input(WishlistInput):
        pass

    class SavedOutput(serializers.Serializer):
        event = serializers.IntegerField(source="event.pk")
        slug = serializers.CharField(source="event.slug")
        title = serializers.CharField(source="event.title")
        saved_at = serializers.DateTimeField(source="created_at")

    def get_queryset(self):
        return wishlist_list(user=self.request.user)

    @extend_schema(summary="My wishlist")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=Input,
        responses={201: SavedOutput, 200: SavedOutput},
        summary="Save an event (201; 200 when it was already saved)",
    )
    def post(self, request):
        data = self.Input(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        event = data.validated_data["event"]
        already = event_is_wishlisted(event=event, user=request.user)
        item = wishlist_add(user=request.user, event=event)
        return Response(self.SavedOutput(item).data, status=status.HTTP_200_OK if already else status.HTTP_201_CREATED)

    @extend_schema(
        request=Input,
        responses={204: None},
        summary="Remove an event from my wishlist",
        operation_id="v1_wishlist_remove",
    )
    def delete(self, request):
        data = self.Input(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        wishlist_remove(user=request.user, event=data.validated_data["event"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistItemApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None}, summary="Remove an event from my wishlist")
    def delete(self, request, slug: str):
        event = event_get_public(slug=slug, user=request.user)
        wishlist_remove(user=request.user, event=event)
        return Response(status=status.HTTP_204_NO_CONTENT)
