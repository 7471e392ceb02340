"""Seat maps: an event's sections (price zones), rows and seats. Imported by ``events.models``; the editor's
rules are in ``events.services.seat_maps`` and ``seat_sections``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from events.models import Event, TicketType


class SeatMap(TimeStampedModel):
    """The seating plan of one event. Duplicating an event copies it."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="seat_map")
    stage_label = models.CharField(_("stage label"), max_length=40, default="Stage")

    def __str__(self) -> str:
        return f"Seat map of {self.event}"


class SeatSection(models.Model):
    seat_map = models.ForeignKey(SeatMap, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    ticket_type = models.ForeignKey(
        TicketType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seat_sections",
        verbose_name=_("price zone"),
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["seat_map", "name"], name="seatsection_name_unique")]

    def __str__(self) -> str:
        return self.name


class SeatRow(models.Model):
    section = models.ForeignKey(SeatSection, on_delete=models.CASCADE, related_name="rows")
    label = models.CharField(_("row"), max_length=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["section", "label"], name="seatrow_label_unique")]

    def __str__(self) -> str:
        return f"{self.section} {self.label}"


class Seat(models.Model):
    """One place in a row. A removed seat (an aisle, a pillar) stays as a gap in the drawing."""

    row = models.ForeignKey(SeatRow, on_delete=models.CASCADE, related_name="seats")
    number = models.PositiveSmallIntegerField(_("number"))
    position = models.PositiveSmallIntegerField(default=0)
    is_removed = models.BooleanField(_("removed"), default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["row", "position"], name="seat_position_unique")]

    def __str__(self) -> str:
        return f"{self.row}-{self.number}"
