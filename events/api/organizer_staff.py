"""The organizer's gate staff API: who may scan tickets at my event (SPEC §2). Same rules as
``events.api.organizer``: scoped selectors (404 for others' events), writes through services, audited."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from events.api.organizer import OrganizerApi
from events.api.serializers import EventStaffOutput, StrictInput
from events.selectors.organizer import event_get_for_organizer, event_staff_list
from events.services.staff import staff_add, staff_remove


class OrganizerStaffListApi(OrganizerApi):
    class Input(StrictInput):
        email = serializers.EmailField()

    class RemoveInput(StrictInput):
        user_id = serializers.IntegerField(min_value=1)

    @extend_schema(responses={200: EventStaffOutput(many=True)}, summary="The gate staff of my event")
    def get(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        return Response(EventStaffOutput(event_staff_list(event=event), many=True).data)

    @extend_schema(request=Input, responses={201: EventStaffOutput}, summary="Let an existing account scan tickets")
    def post(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        staff = staff_add(event=event, email=data.validated_data["email"], actor=request.user, now=timezone.now())
        return Response(EventStaffOutput(staff).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RemoveInput,
        responses={204: OpenApiResponse(description="Revoked (or was not staff)")},
        summary="Revoke a person's gate access",
        operation_id="v1_organizer_events_staff_remove",
    )
    def delete(self, request, pk: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        data = self.RemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        staff_remove(event=event, user_id=data.validated_data["user_id"], actor=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizerStaffDetailApi(OrganizerApi):
    @extend_schema(
        responses={204: OpenApiResponse(description="Revoked (or was not staff)")},
        summary="Revoke a person's gate access",
    )
    def delete(self, request, pk: int, user_id: int):
        event = event_get_for_organizer(organizer=request.user, pk=pk)
        staff_remove(event=event, user_id=user_id, actor=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)
