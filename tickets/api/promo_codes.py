"""Promo codes in the API (SPEC §4, §10): the organizer's codes of an event, and a buyer's preview of a code on a hold.

Organizer endpoints follow ``events.api.organizer``: scoped selectors (another organizer's event or code answers
404), writes through services (which validate, audit and own the transaction), unknown fields refused.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from events.api.organizer import IsOrganizer, OrganizerApi
from events.api.serializers import StrictInput, merged_value
from events.models import TicketType
from events.selectors.organizer import event_get_for_organizer
from tickets.errors import PromoError
from tickets.models import PROMO_CODE_MAX_LENGTH, PromoCode
from tickets.selectors import hold_get_for_buyer
from tickets.selectors_promo import promo_code_get_for_organizer, promo_code_list_for_event
from tickets.services.promo_codes import (
    GENERATE_MAX,
    promo_code_create,
    promo_code_deactivate,
    promo_code_delete,
    promo_code_reactivate,
    promo_code_update,
    promo_codes_generate,
)
from tickets.services.promo_redemptions import promo_code_quote


class PromoCodeOutput(serializers.ModelSerializer):
    """A promo code with its performance: ``orders_paid``, ``discount_given`` and ``revenue`` count paid orders."""

    ticket_types = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    orders_paid = serializers.IntegerField(read_only=True, default=0)
    discount_given = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, default=0)
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, default=0)

    class Meta:
        model = PromoCode
        fields = [
            "id", "event", "code", "kind", "value", "max_uses", "uses", "per_user_limit", "valid_from", "valid_until",
            "ticket_types", "unlocks_hidden", "is_active", "deactivated_at", "owner", "source", "note", "created_at",
            "orders_paid", "discount_given", "revenue",
        ]  # fmt: skip
        read_only_fields = fields


class PromoCodeRulesInput(StrictInput):
    """The rules of a code. ``uses``, ``source`` and ``owner`` are kept by the system only."""

    kind = serializers.ChoiceField(choices=PromoCode.Kind.choices)
    value = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    max_uses = serializers.IntegerField(min_value=1, max_value=10_000_000, required=False, allow_null=True)
    per_user_limit = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    valid_from = serializers.DateTimeField(required=False, allow_null=True)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)
    ticket_types = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=TicketType.objects.none(),
        required=False,
        error_messages={"does_not_exist": _("Choose ticket types of this event.")},
    )
    unlocks_hidden = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None:
            self.fields["ticket_types"].child_relation.queryset = TicketType.objects.filter(event=event)

    def validate(self, attrs):
        errors = {}
        value, kind = merged_value(self, attrs, "value"), merged_value(self, attrs, "kind")
        if value is not None and value <= 0:
            errors["value"] = [_("Give a discount above 0.")]
        elif value is not None and kind == PromoCode.Kind.PERCENT and value > 100:
            errors["value"] = [_("A percentage is at most 100.")]
        start, end = merged_value(self, attrs, "valid_from"), merged_value(self, attrs, "valid_until")
        if start and end and end <= start:
            errors["valid_until"] = [_("The code must end after it starts.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class OrganizerPromoCodeListApi(generics.ListAPIView):
    """``GET``: the event's codes, newest first, paginated. ``POST``: create one code."""

    permission_classes = [IsAuthenticated, IsOrganizer]
    serializer_class = PromoCodeOutput
    filter_backends = []

    class Input(PromoCodeRulesInput):
        code = serializers.CharField(
            max_length=PROMO_CODE_MAX_LENGTH, required=False, allow_blank=True, help_text="Empty: a random code."
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PromoCode.objects.none()
        event = event_get_for_organizer(organizer=self.request.user, pk=self.kwargs["pk"])
        return promo_code_list_for_event(event=event, search=self.request.query_params.get("search", "")[:60])

    @extend_schema(summary="The promo codes of my event")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=Input, responses={201: PromoCodeOutput}, summary="Create a promo code")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(data=request.data, event=event)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = values.pop("code", "") or None
        promo_code = promo_code_create(event=event, code=code, actor=request.user, now=timezone.now(), **values)
        return Response(PromoCodeOutput(promo_code).data, status=status.HTTP_201_CREATED)


class OrganizerPromoCodeGenerateApi(OrganizerApi):
    class Input(PromoCodeRulesInput):
        count = serializers.IntegerField(min_value=1, max_value=GENERATE_MAX)
        prefix = serializers.CharField(max_length=PROMO_CODE_MAX_LENGTH - 8, required=False, allow_blank=True)

    @extend_schema(
        request=Input, responses={201: PromoCodeOutput(many=True)}, summary="Generate a batch of random promo codes"
    )
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(data=request.data, event=event)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.setdefault("max_uses", 1)
        codes = promo_codes_generate(event=event, actor=request.user, now=timezone.now(), **values)
        return Response(PromoCodeOutput(codes, many=True).data, status=status.HTTP_201_CREATED)


class OrganizerPromoCodeDetailApi(OrganizerApi):
    class Input(PromoCodeRulesInput):
        code = serializers.CharField(max_length=PROMO_CODE_MAX_LENGTH)
        is_active = serializers.BooleanField(
            required=False, help_text="false deactivates the code, true reactivates it."
        )

    def _output(self, promo_code: PromoCode) -> dict:
        return PromoCodeOutput(promo_code_list_for_event(event=promo_code.event).get(pk=promo_code.pk)).data

    @extend_schema(responses={200: PromoCodeOutput}, summary="One promo code of my events")
    def get(self, request, pk: int):
        return Response(self._output(promo_code_get_for_organizer(organizer=request.user, pk=pk)))

    @extend_schema(request=Input, responses={200: PromoCodeOutput}, summary="Change, deactivate or reactivate a code")
    def patch(self, request, pk: int):
        promo_code = promo_code_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(promo_code, data=request.data, partial=True, event=promo_code.event)
        data.is_valid(raise_exception=True)
        values, now = dict(data.validated_data), timezone.now()
        is_active = values.pop("is_active", None)
        if values:
            promo_code = promo_code_update(promo_code=promo_code, data=values, actor=request.user, now=now)
        if is_active is False:
            promo_code = promo_code_deactivate(promo_code=promo_code, actor=request.user, reason="api", now=now)
        elif is_active is True:
            promo_code = promo_code_reactivate(promo_code=promo_code, actor=request.user, now=now)
        return Response(self._output(promo_code))

    @extend_schema(
        responses={204: None},
        summary="Retire a code: deleted if no order used it, otherwise deactivated and kept for the records",
    )
    def delete(self, request, pk: int):
        promo_code = promo_code_get_for_organizer(organizer=request.user, pk=pk)
        promo_code_delete(promo_code=promo_code, actor=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class HoldPromoPreviewApi(APIView):
    """What a promo code would take off this hold, without using it (checkout claims the use)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkout"

    class Input(serializers.Serializer):
        promo_code = serializers.CharField(max_length=PROMO_CODE_MAX_LENGTH)

    class Output(serializers.Serializer):
        promo_code = serializers.CharField()
        label = serializers.CharField()
        subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)
        discount = serializers.DecimalField(max_digits=12, decimal_places=2)
        total = serializers.DecimalField(max_digits=12, decimal_places=2)
        currency = serializers.CharField()
        ticket_types = serializers.ListField(child=serializers.IntegerField(), help_text="The discounted types.")

    @extend_schema(request=Input, responses={200: Output}, summary="Preview a promo code on a hold")
    def post(self, request, hold_id):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        hold = hold_get_for_buyer(buyer=request.user, public_id=hold_id)
        code = data.validated_data["promo_code"]
        try:
            quote = promo_code_quote(
                event=hold.event, code=code, buyer=request.user, lines=list(hold.lines.all()), now=timezone.now()
            )
        except PromoError as exc:
            raise type(exc)(exc.message, fields={"promo_code": [exc.message]}) from exc
        amount = quote.discount.amount
        output = {
            "promo_code": quote.promo_code.code,
            "label": quote.discount.label,
            "subtotal": hold.total,
            "discount": amount,
            "total": hold.total - amount,
            "currency": hold.currency,
            "ticket_types": sorted(quote.eligible_ticket_type_ids),
        }
        return Response(self.Output(output).data)
