"""Serializers shared by several catalogue API views; a view's own Input/Output stays nested in it (STYLE §7)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import CapacityPool, Category, Event, EventStaff, TicketType, Venue


# Not a docstring: drf-spectacular would show it as the description of every input.
# Refuses any field it does not declare, so protected fields (status, organizer, featured, sold, held, ...)
# can never be set by mass assignment, and a typo is not silently ignored.
class StrictInput(serializers.Serializer):
    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({field: [_("This field cannot be set here.")] for field in unknown})
        return super().to_internal_value(data)


def merged_value(serializer: serializers.Serializer, attrs: dict, field: str, default=None):
    """The value a field will have after this (possibly partial) write: the new one, else the stored one."""
    if field in attrs:
        return attrs[field]
    if serializer.instance is not None:
        return getattr(serializer.instance, field, default)
    return default


SLUG_OR_ID_SCHEMA = {"oneOf": [{"type": "string"}, {"type": "integer"}], "description": "A slug or an id."}


@extend_schema_field(SLUG_OR_ID_SCHEMA)
class SlugOrIdField(serializers.RelatedField):
    """An object given by its slug (``"music"``) or its id (``3`` or ``"3"``)."""

    default_error_messages = {
        "does_not_exist": _("Unknown {name} “{value}”."),
        "incorrect_type": _("Give a slug or an id."),
    }

    def __init__(self, *, object_name: str, **kwargs):
        self.object_name = object_name
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type")
        queryset = self.get_queryset()
        value = str(data).strip()
        found = None
        if isinstance(data, str):
            found = queryset.filter(slug=value).first()
        if found is None and value.isdigit():
            found = queryset.filter(pk=int(value)).first()
        if found is None:
            self.fail("does_not_exist", name=self.object_name, value=value[:80])
        return found

    def to_representation(self, value):
        return value.slug


@extend_schema_field(SLUG_OR_ID_SCHEMA)
class SlugOrIdReferenceField(serializers.JSONField):
    """A raw slug-or-id reference, resolved by the serializer that declares it."""


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "icon", "colour"]
        read_only_fields = fields


class VenueBriefOutput(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = ["name", "city", "country"]
        read_only_fields = fields


class VenueOutput(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = ["id", "name", "address", "postal_code", "city", "country", "latitude", "longitude"]
        read_only_fields = fields


# Expects the listing annotations of events.selectors.public (price_from, tickets_left).
class EventListItemOutput(serializers.ModelSerializer):
    """One event in a list: ``price_from`` is the lowest visible price, ``tickets_left`` what the public can
    still buy (shared capacities taken into account)."""

    category = CategoryOutput(read_only=True)
    venue = VenueBriefOutput(read_only=True, allow_null=True)
    online = serializers.BooleanField(source="is_online", read_only=True)
    cover = serializers.ImageField(read_only=True, allow_null=True)
    price_from = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, allow_null=True)
    tickets_left = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api-event-detail", lookup_field="slug", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "category",
            "venue",
            "online",
            "starts_at",
            "ends_at",
            "timezone",
            "cover",
            "price_from",
            "currency",
            "tickets_left",
            "featured",
            "url",
        ]
        read_only_fields = fields

    def get_tickets_left(self, event: Event) -> int | None:
        left = getattr(event, "tickets_left", None)
        return None if left is None else max(0, left)


class OrganizerTicketTypeOutput(serializers.ModelSerializer):
    """A ticket type as its organizer sees it: counters and unlock code included."""

    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = TicketType
        fields = [
            "id",
            "event",
            "name",
            "description",
            "price",
            "capacity",
            "sold",
            "held",
            "available",
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
        ]
        read_only_fields = fields


class CapacityPoolOutput(serializers.ModelSerializer):
    available = serializers.SerializerMethodField()
    ticket_types = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CapacityPool
        fields = ["id", "event", "name", "capacity", "sold", "held", "available", "ticket_types"]
        read_only_fields = fields

    def get_available(self, pool: CapacityPool) -> int:
        return max(0, pool.capacity - pool.sold - pool.held)


class EventStaffOutput(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    added_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = EventStaff
        fields = ["user_id", "email", "name", "added_at"]
        read_only_fields = fields
