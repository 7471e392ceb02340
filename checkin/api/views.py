"""The gate staff API (SPEC §7, §10) under /api/v1/checkin/, for the scanner app. JWT (or session) auth.

Statuses: verify always answers 200 with a ``reason`` (it is a question); redeem answers 200 when admitted,
409 ``already_used``, and 422 for every other reason, ``invalid`` included — the code was read, it just is not
a ticket. A rejection body is the usual error shape plus ``reason``, ``ticket`` and ``first_used``, so a scanner
can switch on ``reason`` alone. Anyone who may not scan at the event gets 403 ``not_event_staff`` (also for an
unknown event id), and nothing is recorded.
"""

import re

from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from checkin.models import Reason
from checkin.selectors import (
    checkin_stats,
    event_get_for_scanning,
    event_list_for_staff,
    offline_bundle,
    offline_bundle_version,
)
from checkin.services.access import staff_check_can_scan
from checkin.services.answers import iso
from checkin.services.codes import checkin_opens_at, code_clean
from checkin.services.scans import ScanInput, scan_redeem, scan_reject, scan_verify, scans_sync

MAX_SYNC_SCANS = 500
SCAN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def redeem_status(reason: str) -> int:
    if reason == Reason.OK:
        return 200
    return 409 if reason == Reason.ALREADY_USED else 422


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.Field):
    """Whatever the camera read or the person typed. Its worth is the service's verdict (``invalid`` for
    junk of any length or bytes), never a 400."""

    default_error_messages = {"invalid": _("Send the code as a string.")}

    def to_internal_value(self, data) -> str:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        return str(data)

    def to_representation(self, value) -> str:
        return value


class CleanCharField(serializers.CharField):
    """Free text from a device, with control characters (NUL, surrogates, …) dropped before validation."""

    def to_internal_value(self, data) -> str:
        if isinstance(data, str):
            data = code_clean(data)
        return super().to_internal_value(data)


class ScanIdField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            SCAN_ID_RE,
            error_messages={"invalid": _("Use 1–64 letters, digits, '.', '_', ':' or '-' (a UUID is ideal).")},
            **kwargs,
        )


class CheckinApi(APIView):
    """Gate staff endpoints: authenticated, generously throttled per user (scanners retry)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkin"


class EventInput(serializers.Serializer):
    event = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    code = CodeField()


class CheckinEventListApi(ListAPIView):
    """The events I can scan at, running and upcoming first, with admitted / expected counts."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkin"
    filter_backends: list = []

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        slug = serializers.CharField()
        status = serializers.CharField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        timezone = serializers.CharField()
        checkin_opens_at = serializers.SerializerMethodField()
        venue = serializers.SerializerMethodField()
        expected = serializers.IntegerField()
        admitted = serializers.IntegerField()

        def get_checkin_opens_at(self, event) -> str:
            return iso(checkin_opens_at(event))

        def get_venue(self, event) -> str | None:
            return event.venue.name if event.venue_id else None

    serializer_class = Output

    def get_queryset(self):
        return event_list_for_staff(user=self.request.user, now=timezone.now())


class CheckinVerifyApi(CheckinApi):
    class Input(EventInput):
        pass

    @extend_schema(
        request=Input,
        responses={200: OpenApiResponse(description="reason, admissible, message, ticket, first_used, opens_at")},
        summary="What a code or serial is worth here now (changes nothing)",
    )
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_get_for_scanning(pk=data.validated_data["event"])
        answer = scan_verify(staff=request.user, event=event, code=data.validated_data["code"], now=timezone.now())
        return Response(answer)


class GateScanInput(EventInput):
    """A code presented at a gate: which scan (the device's nonce), where and on which device."""

    scan_id = ScanIdField()
    gate = CleanCharField(max_length=60, required=False, allow_blank=True, default="")
    device_id = CleanCharField(max_length=100, required=False, allow_blank=True, default="")

    def scan_values(self) -> dict:
        return {name: self.validated_data[name] for name in ("code", "gate", "device_id", "scan_id")}


class CheckinRedeemApi(CheckinApi):
    class Input(GateScanInput):
        pass

    @extend_schema(
        request=Input,
        responses={
            200: OpenApiResponse(description="Admitted: reason ok, ticket, checked_in {at, gate}"),
            409: OpenApiResponse(description="already_used: error, ticket, first_used {at, gate}"),
            422: OpenApiResponse(description="Any other reason: error (code = reason), ticket when known"),
        },
        summary="Admit the ticket (exactly once); a repeated scan_id returns the first answer",
    )
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = event_get_for_scanning(pk=values["event"])
        outcome = scan_redeem(staff=request.user, event=event, now=timezone.now(), **data.scan_values())
        return Response(outcome.answer(), status=redeem_status(outcome.reason))


class CheckinRejectApi(CheckinApi):
    class Input(GateScanInput):
        reason = serializers.ChoiceField(choices=[choice for choice in Reason.choices if choice[0] != Reason.OK])

    @extend_schema(
        request=Input,
        responses={200: OpenApiResponse(description="The logged scan's answer (reason as sent); admits nobody")},
        summary="Log a code turned away after verify (every scan is logged); a repeated scan_id replays",
    )
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = event_get_for_scanning(pk=values["event"])
        outcome = scan_reject(
            staff=request.user, event=event, reason=values["reason"], now=timezone.now(), **data.scan_values()
        )
        return Response(outcome.answer())


class CheckinSyncApi(CheckinApi):
    class Input(serializers.Serializer):
        event = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        gate = CleanCharField(max_length=60, required=False, allow_blank=True, default="")
        device_id = CleanCharField(max_length=100, required=False, allow_blank=True, default="")
        scans = serializers.ListField(child=serializers.JSONField(), max_length=MAX_SYNC_SCANS)

    class ScanItem(serializers.Serializer):
        scan_id = ScanIdField()
        code = CodeField()
        device_time = serializers.DateTimeField(required=False, allow_null=True, default=None)
        gate = CleanCharField(max_length=60, required=False, allow_blank=True)
        device_id = CleanCharField(max_length=100, required=False, allow_blank=True)
        result = serializers.ChoiceField(choices=Reason.choices, required=False, default=Reason.OK)

    # The request as documented; the view validates scans one by one so a bad one cannot block the rest.
    Documented = inline_serializer(
        "CheckinSyncRequest",
        {
            "event": serializers.IntegerField(),
            "gate": serializers.CharField(required=False),
            "device_id": serializers.CharField(required=False),
            "scans": ScanItem(many=True, max_length=MAX_SYNC_SCANS),
        },
    )

    @extend_schema(
        request=Documented,
        responses={200: OpenApiResponse(description="results: one answer per scan, in order (see docs/checkin.md)")},
        summary="Upload scans made offline (≤ 500, idempotent per scan_id)",
    )
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        event = event_get_for_scanning(pk=values["event"])
        staff_check_can_scan(user=request.user, event=event)  # before looking at a single scan

        scans, rejected = [], {}
        for index, raw in enumerate(values["scans"]):
            item = self.ScanItem(data=raw if isinstance(raw, dict) else {})
            if not item.is_valid():
                rejected[index] = {
                    "scan_id": _echo_scan_id(raw),
                    "reason": None,
                    "error": {
                        "code": "invalid",
                        "message": str(_("This scan is malformed.")),
                        "fields": {name: _clean_messages(errors) for name, errors in item.errors.items()},
                    },
                }
                continue
            scan = item.validated_data
            scans.append(
                (
                    index,
                    ScanInput(
                        scan_id=scan["scan_id"],
                        code=scan["code"],
                        gate=scan.get("gate", values["gate"]),
                        device_id=scan.get("device_id", values["device_id"]),
                        device_time=scan["device_time"],
                        result=scan["result"],
                    ),
                )
            )
        results = scans_sync(staff=request.user, event=event, scans=[scan for _, scan in scans], now=timezone.now())
        answers = dict(rejected)
        for (index, _scan), result in zip(scans, results, strict=True):
            answers[index] = result.answer()
        ordered = [answers[index] for index in range(len(values["scans"]))]
        summary = {"received": len(ordered), "admitted": 0, "rejected": 0, "conflicts": 0, "replayed": 0, "errors": 0}
        for answer in ordered:
            if answer["reason"] is None:
                summary["errors"] += 1
                continue
            summary["admitted" if answer["reason"] == Reason.OK else "rejected"] += 1
            summary["conflicts"] += bool(answer.get("conflict"))
            summary["replayed"] += bool(answer.get("replayed"))
        return Response({"summary": summary, "results": ordered})


def _echo_scan_id(raw) -> str | None:
    scan_id = raw.get("scan_id") if isinstance(raw, dict) else None
    return scan_id if isinstance(scan_id, str) and SCAN_ID_RE.match(scan_id) else None


def _clean_messages(errors) -> list[str]:
    """Field errors may quote the input ('"x" is not a valid choice'); keep them short and encodable."""
    return [code_clean(str(error))[:200] for error in errors]


class CheckinEventMixin:
    def get_event(self, request, pk: int):
        event = event_get_for_scanning(pk=pk)
        staff_check_can_scan(user=request.user, event=event)
        return event


class CheckinOfflineBundleApi(CheckinEventMixin, CheckinApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("tickets", OpenApiTypes.BOOL, description="Include the ticket list (default true)")
        ],
        responses={
            200: OpenApiResponse(description="event, key, revoked, blocked, tickets"),
            304: OpenApiResponse(description="Unchanged since If-None-Match / If-Modified-Since"),
        },
        summary="Everything a scanner needs offline: public key, revocations, tickets",
    )
    def get(self, request, pk: int):
        event = self.get_event(request, pk)
        include_tickets = request.query_params.get("tickets", "true").lower() not in ("0", "false", "no")
        version = offline_bundle_version(event=event)
        etag = version.etag[:-1] + ("-t" if include_tickets else "-k") + '"'
        last_modified = int(version.last_modified.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        bundle = offline_bundle(event=event, include_tickets=include_tickets)
        bundle["generated_at"] = iso(timezone.now())
        headers = {"ETag": etag, "Last-Modified": http_date(last_modified), "Cache-Control": "private, no-cache"}
        return Response(bundle, headers=headers)


class CheckinStatsApi(CheckinEventMixin, CheckinApi):
    @extend_schema(
        responses={200: OpenApiResponse(description="expected, admitted, remaining, gates, per_minute")},
        summary="Live check-in numbers: admitted vs expected, per gate, per minute (last hour)",
    )
    def get(self, request, pk: int):
        event = self.get_event(request, pk)
        stats = checkin_stats(event=event, now=timezone.now())
        return Response(
            {
                **{key: stats[key] for key in ("expected", "admitted", "remaining", "scans", "rejected", "conflicts")},
                "gates": [{**gate, "last_scan": iso(gate["last_scan"])} for gate in stats["gates"]],
                "per_minute": [{"minute": iso(minute), "admitted": count} for minute, count in stats["per_minute"]],
            }
        )
