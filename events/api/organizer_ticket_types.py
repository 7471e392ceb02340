"""Organizer API for selling: the ticket types of my events and their shared capacities (SPEC §3, §10).

Same rules as ``events.api.organizer``: scoped selectors (404 for others' objects), writes through services.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from events.api.organizer import OrganizerApi
from events.api.serializers import CapacityPoolOutput, OrganizerTicketTypeOutput, StrictInput, merged_value
from events.errors import CapacityBelowSold
from events.models import CapacityPool, Event
from events.pricing.rules import (
    ADJUSTS,
    KINDS,
    MAX_RULES,
    check_dynamic_pricing,
    parse_rules,
    rules_or_empty,
    rules_to_json,
)
from events.selectors.organizer import (
    capacity_pool_list_for_event,
    event_get_for_organizer,
    pool_get_for_organizer,
    ticket_type_get_for_organizer,
    ticket_type_list_for_event,
)
from events.services.ticket_types import (
    capacity_pool_delete,
    capacity_pool_save,
    ticket_type_create,
    ticket_type_delete,
    ticket_type_update,
)

# --- ticket types ---------------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "array",
        "maxItems": MAX_RULES,
        "description": "Dynamic pricing rules (see docs/pricing.md): "
        '{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10"}, '
        '{"kind": "early_bird", "until": "2026-12-01T00:00:00+01:00", "adjust": "amount", "value": "-5"}, '
        'kinds "last_minute" (threshold: hours before the start) and "demand" (threshold: tickets sold in the '
        "last hour).",
        "items": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": list(KINDS)},
                "threshold": {"type": "integer"},
                "until": {"type": "string", "format": "date-time"},
                "adjust": {"type": "string", "enum": list(ADJUSTS)},
                "value": {"type": "string", "format": "decimal"},
            },
            "required": ["kind", "adjust", "value"],
        },
    }
)
class PricingRulesField(serializers.JSONField):
    """A list of pricing rules, validated and returned in their stored form."""

    def to_internal_value(self, data):
        try:
            return rules_to_json(parse_rules(super().to_internal_value(data)))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class TicketTypeInput(StrictInput):
    """The writable fields of a ticket type. ``sold`` and ``held`` are counted by the booking flow only."""

    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000)
    pool = serializers.PrimaryKeyRelatedField(
        queryset=CapacityPool.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Choose a shared capacity of this event.")},
    )
    sales_start = serializers.DateTimeField(required=False, allow_null=True)
    sales_end = serializers.DateTimeField(required=False, allow_null=True)
    min_per_order = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    max_per_order = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    is_hidden = serializers.BooleanField(required=False)
    unlock_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    dynamic_pricing = serializers.BooleanField(required=False)
    price_floor = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    price_ceiling = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    pricing_rules = PricingRulesField(required=False)

    def __init__(self, *args, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event is not None:
            self.fields["pool"].queryset = CapacityPool.objects.filter(event=event)

    def validate(self, attrs):
        errors = {}
        sales_start, sales_end = merged_value(self, attrs, "sales_start"), merged_value(self, attrs, "sales_end")
        if sales_start and sales_end and sales_end <= sales_start:
            errors["sales_end"] = [_("Sales must end after they start.")]
        if merged_value(self, attrs, "min_per_order", 1) > merged_value(self, attrs, "max_per_order", 10):
            errors["max_per_order"] = [_("The maximum per order cannot be lower than the minimum.")]
        if merged_value(self, attrs, "is_hidden", False) and not merged_value(self, attrs, "unlock_code", ""):
            errors["unlock_code"] = [_("A hidden ticket type needs an unlock code.")]
        if self.instance is not None and "capacity" in attrs:
            taken = self.instance.sold + self.instance.held
            if attrs["capacity"] < taken:
                errors["capacity"] = [
                    _("%(taken)d tickets are sold or reserved; the capacity cannot be lower.") % {"taken": taken}
                ]
        if merged_value(self, attrs, "dynamic_pricing", False):
            event = self.event or getattr(self.instance, "event", None)
            pricing_errors = check_dynamic_pricing(
                price=merged_value(self, attrs, "price"),
                floor=merged_value(self, attrs, "price_floor"),
                ceiling=merged_value(self, attrs, "price_ceiling"),
                rules=rules_or_empty(merged_value(self, attrs, "pricing_rules", [])),
                starts_at=event.starts_at if event is not None else None,
            )
            for field, messages in pricing_errors.items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _capacity_error(exc: CapacityBelowSold) -> CapacityBelowSold:
    """The service's last word (under its lock), pointed at the field the client sent."""
    return CapacityBelowSold(exc.message, fields={"capacity": [exc.message]})


class OrganizerTicketTypeListApi(OrganizerApi):
    class Input(TicketTypeInput):
        pass

    @extend_schema(responses={200: OrganizerTicketTypeOutput(many=True)}, summary="The ticket types of my event")
    def get(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        return Response(OrganizerTicketTypeOutput(ticket_type_list_for_event(event=event), many=True).data)

    @extend_schema(request=Input, responses={201: OrganizerTicketTypeOutput}, summary="Add a ticket type")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(data=request.data, event=event)
        data.is_valid(raise_exception=True)
        ticket_type = ticket_type_create(event=event, actor=request.user, data=data.validated_data, now=timezone.now())
        return Response(OrganizerTicketTypeOutput(ticket_type).data, status=status.HTTP_201_CREATED)


class OrganizerTicketTypeDetailApi(OrganizerApi):
    class Input(TicketTypeInput):
        pass

    @extend_schema(responses={200: OrganizerTicketTypeOutput}, summary="One ticket type of my event")
    def get(self, request, pk: int):
        ticket_type = ticket_type_get_for_organizer(organizer=request.user, pk=pk)
        return Response(OrganizerTicketTypeOutput(ticket_type).data)

    @extend_schema(request=Input, responses={200: OrganizerTicketTypeOutput}, summary="Edit a ticket type")
    def patch(self, request, pk: int):
        ticket_type = ticket_type_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(ticket_type, data=request.data, partial=True, event=ticket_type.event)
        data.is_valid(raise_exception=True)
        try:
            ticket_type = ticket_type_update(
                ticket_type=ticket_type, actor=request.user, data=data.validated_data, now=timezone.now()
            )
        except CapacityBelowSold as exc:
            raise _capacity_error(exc) from exc
        return Response(OrganizerTicketTypeOutput(ticket_type).data)

    @extend_schema(responses={204: None}, summary="Delete a ticket type nobody bought")
    def delete(self, request, pk: int):
        ticket_type = ticket_type_get_for_organizer(organizer=request.user, pk=pk)
        ticket_type_delete(ticket_type=ticket_type, actor=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- shared capacities ------------------------------------------------------------------------------------------


class CapacityPoolInput(StrictInput):
    name = serializers.CharField(max_length=80)
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000)

    def validate(self, attrs):
        if self.instance is not None and "capacity" in attrs:
            taken = self.instance.sold + self.instance.held
            if attrs["capacity"] < taken:
                raise serializers.ValidationError(
                    {
                        "capacity": [
                            _("%(taken)d tickets are sold or reserved; the capacity cannot be lower.")
                            % {"taken": taken}
                        ]
                    }
                )
        return attrs


class OrganizerCapacityPoolListApi(OrganizerApi):
    class Input(CapacityPoolInput):
        pass

    @extend_schema(responses={200: CapacityPoolOutput(many=True)}, summary="The shared capacities of my event")
    def get(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        return Response(CapacityPoolOutput(capacity_pool_list_for_event(event=event), many=True).data)

    @extend_schema(request=Input, responses={201: CapacityPoolOutput}, summary="Add a shared capacity")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pool = capacity_pool_save(event=event, actor=request.user, **data.validated_data, now=timezone.now())
        return Response(CapacityPoolOutput(pool).data, status=status.HTTP_201_CREATED)


class OrganizerCapacityPoolDetailApi(OrganizerApi):
    class Input(CapacityPoolInput):
        pass

    @extend_schema(request=Input, responses={200: CapacityPoolOutput}, summary="Rename or resize a shared capacity")
    def patch(self, request, pk: int):
        pool = pool_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(pool, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {"name": pool.name, "capacity": pool.capacity, **data.validated_data}
        try:
            capacity_pool_save(event=pool.event, pool=pool, actor=request.user, **values, now=timezone.now())
        except CapacityBelowSold as exc:
            raise _capacity_error(exc) from exc
        return Response(CapacityPoolOutput(pool_get_for_organizer(organizer=request.user, pk=pk)).data)

    @extend_schema(responses={204: None}, summary="Remove a shared capacity nobody bought from")
    def delete(self, request, pk: int):
        pool = pool_get_for_organizer(organizer=request.user, pk=pk)
        capacity_pool_delete(pool=pool, actor=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)
