"""Ticket transfers and new QR codes over the API. A ticket someone else holds answers 404, like one that does
not exist; the event's organizer (or an admin) may reissue any ticket of the event."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from tickets.api.views import TicketOutput
from tickets.models import TicketTransfer
from tickets.selectors import ticket_get_for_owner
from tickets.selectors_transfers import TOKEN_MAX_LENGTH, ticket_get_for_organizer, transfer_get_open
from tickets.services.reissues import ticket_reissue_by_holder, ticket_reissue_by_organizer
from tickets.services.transfers import transfer_accept, transfer_cancel, transfer_offer


class TransferOutput(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = TicketTransfer
        fields = ["id", "ticket", "to_email", "to_name", "message", "status", "expires_at", "created_at",
                  "accepted_at", "closed_at"]  # fmt: skip
        read_only_fields = fields

    def get_status(self, transfer) -> str:
        """``expired`` as soon as ``expires_at`` passed, even before the sweep wrote it down."""
        if transfer.status == TicketTransfer.Status.PENDING and transfer.expires_at <= timezone.now():
            return TicketTransfer.Status.EXPIRED
        return transfer.status


class TicketTransferApi(APIView):
    """``tickets/{id}/transfer/``: the ticket's open transfer, or send the ticket to someone."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        to_email = serializers.EmailField(max_length=254)
        to_name = serializers.CharField(max_length=150)
        message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(responses={200: TransferOutput}, summary="The ticket's open transfer (404 when there is none)")
    def get(self, request, pk: int):
        ticket = ticket_get_for_owner(owner=request.user, pk=pk)
        transfer = transfer_get_open(ticket=ticket, now=timezone.now())
        if transfer is None:
            raise NotFound()
        return Response(TransferOutput(transfer).data)

    @extend_schema(
        request=Input,
        responses={201: TransferOutput},
        summary="Send the ticket to someone by e-mail",
        description="The recipient gets a link; once they accept, the ticket is theirs with a new QR code and "
        "the sender's code is revoked. Errors: ticket_not_transferable, transfers_disabled, transfers_closed, "
        "transfer_to_self, transfer_pending (409), rate_limited (429).",
    )
    def post(self, request, pk: int):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_get_for_owner(owner=request.user, pk=pk)
        transfer = transfer_offer(ticket=ticket, sender=request.user, now=timezone.now(), **data.validated_data)
        return Response(TransferOutput(transfer).data, status=status.HTTP_201_CREATED)


class TicketTransferCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: TransferOutput},
        summary="Take back the ticket's transfer before it is accepted (repeating it changes nothing)",
    )
    def post(self, request, pk: int):
        ticket = ticket_get_for_owner(owner=request.user, pk=pk)
        transfer = TicketTransfer.objects.filter(ticket=ticket, from_user=request.user).order_by("-created_at").first()
        if transfer is None:
            raise NotFound()
        return Response(
            TransferOutput(transfer_cancel(transfer=transfer, sender=request.user, now=timezone.now())).data
        )


class TransferAcceptApi(APIView):
    """Accept a ticket with the token from the transfer e-mail's link (``/tickets/transfers/{token}/``)."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        token = serializers.CharField(max_length=TOKEN_MAX_LENGTH)
        attendee_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")

    @extend_schema(
        request=Input,
        responses={200: TicketOutput},
        summary="Accept a ticket sent to you (idempotent)",
        description="Signed in with the address the ticket was sent to (verified). Returns the ticket with its "
        "new QR code. Errors: not_found, transfer_not_open (410), transfer_wrong_account (403), not_verified (403), "
        "and the transfer rules (ticket_not_transferable, transfers_disabled, transfers_closed).",
    )
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = transfer_accept(user=request.user, now=timezone.now(), **data.validated_data)
        return Response(TicketOutput(ticket_get_for_owner(owner=request.user, pk=ticket.pk)).data)


class TicketReissueApi(APIView):
    """``tickets/{id}/reissue/``: a new QR code, for the ticket's holder or its event's organizer."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        reason = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default="", help_text="Organizers: kept in the audit log."
        )

    @extend_schema(
        request=Input,
        responses={200: TicketOutput},
        summary="Give a ticket a new QR code; the old one answers `revoked` at the gate",
        description="Holders: valid tickets not used yet, of events not over, a few times a day "
        "(ticket_not_reissuable, reissue_too_often). The event's organizer: any valid or unpaid ticket, "
        "used ones included. Anyone else: 404.",
    )
    def post(self, request, pk: int):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        try:
            ticket = ticket_get_for_owner(owner=request.user, pk=pk)
        except NotFound:
            if not request.user.is_organizer:
                raise
            ticket = ticket_get_for_organizer(organizer=request.user, pk=pk)
            ticket_reissue_by_organizer(
                ticket=ticket, actor=request.user, reason=data.validated_data["reason"], now=now
            )
            return Response(TicketOutput(ticket_get_for_organizer(organizer=request.user, pk=pk)).data)
        ticket_reissue_by_holder(ticket=ticket, holder=request.user, now=now)
        return Response(TicketOutput(ticket_get_for_owner(owner=request.user, pk=pk)).data)
