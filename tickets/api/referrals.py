"""Referral program endpoints under /api/v1/ (SPEC §4 "Referrals").

``referrals/`` is the signed-in person's side (their links and rewards; a link is created for an event they
hold a ticket for); ``organizer/events/{id}/referrals/`` lists one event's referred orders for its organizer,
who reaches only their own events (another organizer's event answers 404).
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from events.api.organizer import IsOrganizer
from events.models import Event
from events.selectors.organizer import event_get_for_organizer
from tickets.models import Referral, ReferralLink
from tickets.selectors_referrals import (
    event_discount_label,
    event_reward_label,
    referral_link_list_for_user,
    referral_list_for_event,
    referral_reward_list_for_user,
)
from tickets.services.referrals import referral_link_get_or_create, referral_value_label


class LinkOutput(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()
    program_active = serializers.BooleanField(source="event.referral_enabled", read_only=True)
    discount = serializers.SerializerMethodField(help_text="What a friend saves, e.g. '10% off'.")
    reward = serializers.SerializerMethodField(help_text="What the referrer gets per friend, e.g. '€5.00 off'.")
    conversions = serializers.IntegerField(read_only=True, default=0, help_text="Referred orders that were paid.")

    class Meta:
        model = ReferralLink
        fields = ["code", "event", "url", "program_active", "discount", "reward", "conversions", "created_at"]

    def get_url(self, link) -> str:
        return self.context["request"].build_absolute_uri(reverse("referrals:visit", args=[link.code]))

    def get_discount(self, link) -> str:
        return event_discount_label(link.event)

    def get_reward(self, link) -> str:
        return event_reward_label(link.event)


class RewardOutput(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    code = serializers.CharField(source="reward_code.code", default=None)
    value = serializers.SerializerMethodField()
    usable = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = ["event", "status", "code", "value", "usable", "rewarded_at", "revoked_at"]

    def get_value(self, referral) -> str:
        code = referral.reward_code
        return referral_value_label(kind=code.kind, value=code.value, currency=referral.event.currency) if code else ""

    def get_usable(self, referral) -> bool:
        code = referral.reward_code
        return bool(
            referral.status == Referral.Status.REWARDED
            and code is not None
            and code.is_active
            and (code.max_uses is None or code.uses < code.max_uses)
            and referral.event.ends_at > timezone.now()
        )


class ReferralMineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: inline_serializer(
                "MyReferrals", fields={"links": LinkOutput(many=True), "rewards": RewardOutput(many=True)}
            )
        },
        summary="My referral links and the rewards they earned",
    )
    def get(self, request):
        links = referral_link_list_for_user(user=request.user)
        rewards = referral_reward_list_for_user(user=request.user)
        context = {"request": request}
        return Response(
            {
                "links": LinkOutput(links, many=True, context=context).data,
                "rewards": RewardOutput(rewards, many=True, context=context).data,
            }
        )


class ReferralLinkCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        event = serializers.CharField(max_length=160, help_text="Event slug or id.")

    @extend_schema(
        request=Input, responses={201: LinkOutput}, summary="Get my referral link for an event I hold a ticket for"
    )
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        value = data.validated_data["event"]
        event = Event.objects.filter(**({"pk": int(value)} if value.isdigit() else {"slug": value})).first()
        if event is None:
            raise NotFound()
        link = referral_link_get_or_create(event=event, referrer=request.user, now=timezone.now())
        link = referral_link_list_for_user(user=request.user).get(pk=link.pk)
        return Response(LinkOutput(link, context={"request": request}).data, status=status.HTTP_201_CREATED)


class OrganizerReferralOutput(serializers.ModelSerializer):
    class Person(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        email = serializers.EmailField()

    referrer = Person(source="link.referrer")
    referral_code = serializers.CharField(source="link.code")
    buyer = Person(source="referred_user")
    order = serializers.CharField(source="order.code")
    order_status = serializers.CharField(source="order.status")
    order_total = serializers.DecimalField(source="order.total", max_digits=12, decimal_places=2)
    currency = serializers.CharField(source="order.currency")
    reward_code = serializers.CharField(source="reward_code.code", default=None)

    class Meta:
        model = Referral
        fields = ["id", "created_at", "status", "referrer", "referral_code", "buyer", "order", "order_status",
                  "discount", "order_total", "currency", "reward_code", "reward_was_used", "rewarded_at",
                  "revoked_at"]  # fmt: skip


class OrganizerReferralListApi(ListAPIView):
    """The referred orders of my event, newest first; ``?status=`` filters by referral status."""

    permission_classes = [IsAuthenticated, IsOrganizer]
    serializer_class = OrganizerReferralOutput
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        event = event_get_for_organizer(organizer=self.request.user, pk=self.kwargs["pk"])
        return referral_list_for_event(event=event, status=self.request.query_params.get("status", ""))

    @extend_schema(summary="Referral conversions of my event")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
