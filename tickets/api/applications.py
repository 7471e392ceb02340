"""Applications to approval-required events over the API (SPEC §10).

Applicants: ``GET/POST events/{slug}/apply/`` (the form, then multipart with attachments or JSON without),
``GET applications/``, ``GET applications/{id}/``, ``POST applications/{id}/withdraw/``. Organizers:
``GET organizer/events/{id}/applications/``, ``GET organizer/applications/{id}/``, ``POST
organizer/applications/{id}/approve/`` and ``decline/``. ``GET applications/attachments/{id}/`` serves a file
to the applicant, the event's organizer and admins only. Anything else someone may not see answers 404.
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from events.api.organizer import IsOrganizer
from events.models import Event, TicketType
from events.selectors.organizer import event_get_for_organizer
from events.selectors.public import event_get_public
from tickets.attachments import MAX_ATTACHMENTS
from tickets.models import Application, ApplicationAttachment, Order
from tickets.models_applications import ATTACHMENT_MAX_BYTES
from tickets.selectors_applications import (
    application_attachment_get_for_viewer,
    application_get_for_applicant,
    application_get_for_organizer,
    application_get_open,
    application_list_for_applicant,
    application_list_for_event,
    ticket_types_open_for_applications,
)
from tickets.services.applications import (
    MAX_ANSWER_LENGTH,
    MAX_REASON_LENGTH,
    ApplicationDetails,
    application_approve,
    application_decline,
    application_submit,
    application_team_limit,
    application_withdraw,
)
from tickets.views.applications import attachment_response


class AttachmentOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationAttachment
        fields = ["id", "name", "content_type", "size", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        return reverse("api-application-attachment", args=[attachment.pk])


class ApplicationOutput(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    ticket_type = serializers.SerializerMethodField()
    attachments = AttachmentOutput(many=True, read_only=True)
    order = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "event", "status", "ticket_type", "quantity", "name", "email", "phone", "team_name",
                  "team_members", "answers", "attachments", "decline_reason", "created_at", "decided_at",
                  "order"]  # fmt: skip
        read_only_fields = fields

    def get_ticket_type(self, application) -> dict:
        return {"id": application.ticket_type_id, "name": application.ticket_type.name}

    def get_order(self, application) -> dict | None:
        """The order approval created; ``pay_url`` and ``pay_before`` while it awaits payment."""
        order = application.order
        if order is None:
            return None
        payable = order.status == Order.Status.PENDING
        return {
            "code": order.code,
            "status": order.status,
            "total": str(order.total),
            "currency": order.currency,
            "pay_before": order.expires_at if payable else None,
            "pay_url": reverse("tickets:pay", args=[order.code]) if payable else None,
        }


class OrganizerApplicationOutput(ApplicationOutput):
    applicant = serializers.SerializerMethodField()

    class Meta(ApplicationOutput.Meta):
        fields = [*ApplicationOutput.Meta.fields, "applicant", "updated_at"]
        read_only_fields = fields

    def get_applicant(self, application) -> dict:
        return {"id": application.applicant_id, "email": application.applicant.email}


def _applicant_view(request, pk: int) -> dict:
    return ApplicationOutput(application_get_for_applicant(applicant=request.user, pk=pk)).data


def _organizer_view(request, pk: int) -> dict:
    return OrganizerApplicationOutput(application_get_for_organizer(organizer=request.user, pk=pk)).data


class EventApplyApi(APIView):
    """``events/{slug}/apply/``: what to fill in, and sending the application."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_scope = "checkout"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else super().get_throttles()

    class FormOutput(serializers.Serializer):
        event = serializers.CharField()
        open = serializers.BooleanField()
        ticket_types = serializers.ListField(child=serializers.DictField())
        questions = serializers.ListField(child=serializers.DictField())
        max_team_size = serializers.IntegerField()
        max_attachments = serializers.IntegerField()
        max_attachment_bytes = serializers.IntegerField()
        my_application = serializers.IntegerField(allow_null=True)

    class Input(serializers.Serializer):
        ticket_type = serializers.IntegerField(
            min_value=1, required=False, allow_null=True, help_text="Needed when the event offers several."
        )
        name = serializers.CharField(max_length=150, allow_blank=True)
        email = serializers.CharField(max_length=254, allow_blank=True)
        phone = serializers.CharField(max_length=20, allow_blank=True)
        team_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        team_members = serializers.ListField(
            child=serializers.CharField(max_length=150, allow_blank=True), required=False, default=list, max_length=50
        )
        answers = serializers.ListField(
            child=serializers.CharField(max_length=MAX_ANSWER_LENGTH, allow_blank=True),
            required=False,
            default=list,
            max_length=20,
            help_text="One answer per question, in the order of the questions.",
        )
        attachments = serializers.ListField(
            child=serializers.FileField(),
            required=False,
            default=list,
            max_length=MAX_ATTACHMENTS,
            help_text="PDF, PNG or JPG, at most 5 MB each (multipart only).",
        )

    def _event(self, slug: str) -> Event:
        return event_get_public(slug=slug, user=self.request.user)

    @extend_schema(responses={200: FormOutput}, summary="The application form of an approval-required event")
    def get(self, request, slug: str):
        event = self._event(slug)
        now = timezone.now()
        types = ticket_types_open_for_applications(event=event, now=now) if event.requires_approval else []
        mine = application_get_open(applicant=request.user, event=event)
        return Response(
            {
                "event": event.slug,
                "open": bool(types) and event.status == Event.Status.PUBLISHED and event.starts_at > now,
                "ticket_types": [
                    {"id": tt.pk, "name": tt.name, "price": str(tt.price), "currency": event.currency} for tt in types
                ],
                "questions": event.application_questions or [],
                "max_team_size": max((application_team_limit(event=event, ticket_type=tt) for tt in types), default=0),
                "max_attachments": MAX_ATTACHMENTS,
                "max_attachment_bytes": ATTACHMENT_MAX_BYTES,
                "my_application": mine.pk if mine else None,
            }
        )

    @extend_schema(
        request={"multipart/form-data": Input, "application/json": Input},
        responses={201: ApplicationOutput},
        summary="Apply to an approval-required event",
        description="Errors: applications_closed (422), application_exists (409), not_verified (403), invalid "
        "(400, with fields; an answer's field is answers.<index>).",
    )
    def post(self, request, slug: str):
        event = self._event(slug)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ticket_type = None
        if values.get("ticket_type"):
            ticket_type = TicketType.objects.filter(event=event, pk=values["ticket_type"]).first()
            if ticket_type is None:
                raise serializers.ValidationError({"ticket_type": ["Choose one of this event's ticket types."]})
        application = application_submit(
            applicant=request.user,
            event=event,
            ticket_type=ticket_type,
            details=ApplicationDetails(
                name=values["name"],
                email=values["email"],
                phone=values["phone"],
                team_name=values["team_name"],
                team_members=tuple(values["team_members"]),
            ),
            answers=values["answers"],
            attachments=values["attachments"],
            now=timezone.now(),
        )
        return Response(_applicant_view(request, application.pk), status=status.HTTP_201_CREATED)


class ApplicationListApi(ListAPIView):
    """My applications, newest first; ``?status=`` narrows the list."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationOutput
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return application_list_for_applicant(applicant=self.request.user)


class ApplicationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ApplicationOutput}, summary="One of my applications")
    def get(self, request, pk: int):
        return Response(_applicant_view(request, pk))


class ApplicationWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: ApplicationOutput},
        summary="Withdraw my application",
        description="Pending, or approved and not yet paid (the unpaid order is cancelled). "
        "Errors: application_not_withdrawable (422).",
    )
    def post(self, request, pk: int):
        application = application_get_for_applicant(applicant=request.user, pk=pk)
        application_withdraw(application=application, applicant=request.user, now=timezone.now())
        return Response(_applicant_view(request, pk))


class ApplicationAttachmentApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download an application's attachment (applicant, the event's organizer, admins)",
    )
    def get(self, request, pk: int):
        return attachment_response(application_attachment_get_for_viewer(viewer=request.user, pk=pk))


class OrganizerApplicationListApi(ListAPIView):
    """The applications to one of my events (every event for admins), oldest first."""

    permission_classes = [IsAuthenticated, IsOrganizer]
    serializer_class = OrganizerApplicationOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        event = event_get_for_organizer(organizer=self.request.user, pk=self.kwargs["pk"])
        return application_list_for_event(event=event, status=self.request.query_params.get("status", ""), search="")

    def filter_queryset(self, queryset):
        return queryset  # the selector filters by status; no generic filters on someone's answers

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=Application.Status.values)],
        summary="Applications to one of my events",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrganizerApplicationDetailApi(APIView):
    permission_classes = [IsAuthenticated, IsOrganizer]

    @extend_schema(responses={200: OrganizerApplicationOutput}, summary="One application to one of my events")
    def get(self, request, pk: int):
        return Response(_organizer_view(request, pk))


class OrganizerApplicationApproveApi(APIView):
    permission_classes = [IsAuthenticated, IsOrganizer]

    @extend_schema(
        request=None,
        responses={200: OrganizerApplicationOutput},
        summary="Approve an application",
        description="Free tickets are issued at once; for paid ones the applicant gets a pending order and a "
        "payment link with a deadline. Errors: application_decided (409), sold_out (409), limit_exceeded (422), "
        "applications_closed (422).",
    )
    def post(self, request, pk: int):
        application = application_get_for_organizer(organizer=request.user, pk=pk)
        application_approve(application=application, actor=request.user, now=timezone.now())
        return Response(_organizer_view(request, pk))


class OrganizerApplicationDeclineApi(APIView):
    permission_classes = [IsAuthenticated, IsOrganizer]

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=MAX_REASON_LENGTH, allow_blank=True, help_text="Sent to them.")

    @extend_schema(
        request=Input,
        responses={200: OrganizerApplicationOutput},
        summary="Decline an application with a reason",
        description="Errors: invalid (400, no reason), application_decided (409).",
    )
    def post(self, request, pk: int):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        application = application_get_for_organizer(organizer=request.user, pk=pk)
        application_decline(
            application=application, actor=request.user, reason=data.validated_data["reason"], now=timezone.now()
        )
        return Response(_organizer_view(request, pk))
