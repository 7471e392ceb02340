"""Search, filters and ordering of the public catalogue, shared by the event pages and the public API.

Query parameters (all optional; ``page`` belongs to the paginator):

``search``
    Free text over the title (weight A), summary and description (B), venue name, city and organizer name
    (C). On PostgreSQL: full-text search with ``websearch_to_tsquery`` (quotes, ``or``, ``-word``), results
    ranked by ``ts_rank`` unless another ordering is asked for; the phrase as a substring of the title also
    matches, so half-typed words find something. Elsewhere (SQLite): every word must occur (``icontains``)
    in at least one of those fields.
``category``
    A category slug.
``city``
    A venue city, case-insensitive.
``date_from``, ``date_to``
    ISO dates, inclusive, read as calendar days **in each event's own time zone**: an event matches when it
    is running at some moment between ``date_from`` 00:00 and ``date_to`` 24:00 local time (a festival that
    started the day before still matches).
``price_min``, ``price_max``
    Bounds (≥ 0) on the lowest price of the event's visible ticket types. Events without any visible ticket
    type are left out when a bound is given.
``free``
    ``true``: the lowest visible price is 0; ``false``: it is above 0.
``available``
    ``true``: tickets are left for the public (shared capacity taken into account); ``false``: sold out.
``online``
    ``true``: online events only; ``false``: in-person events only.
``ordering``
    ``date`` (default without a search), ``-date``, ``price``, ``-price`` (events without a price last),
    ``popularity`` (most tickets sold first).

Booleans accept ``true``/``false``/``1``/``0``. Invalid values make the form invalid: the API answers 400,
the pages ignore the value and say so.

The queryset should come from ``events.selectors.public.events_public`` (or carry its annotations); a bare
``Event`` queryset is annotated here.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.selectors.public import with_listing_annotations

SEARCH_CONFIG = "english"
SEARCH_MAX_LENGTH = 200
SEARCH_TEXT_FIELDS = ("title", "summary", "description", "venue__name", "venue__city", "organizer__name")

# Far-off dates would overflow when turned into local midnights; nobody searches for events in year 1.
DATE_VALIDATORS = [
    MinValueValidator(dt.date(1970, 1, 1), message=_("Pick a date after 1970.")),
    MaxValueValidator(dt.date(9000, 12, 31), message=_("Pick a date before the year 9000.")),
]

ORDERING_CHOICES = (
    ("date", _("Soonest")),
    ("-date", _("Latest")),
    ("price", _("Lowest price")),
    ("-price", _("Highest price")),
    ("popularity", _("Most popular")),
)
ORDER_BY = {
    "date": (F("starts_at").asc(), F("id").asc()),
    "-date": (F("starts_at").desc(), F("id").desc()),
    "price": (F("price_from").asc(nulls_last=True), F("starts_at").asc(), F("id").asc()),
    "-price": (F("price_from").desc(nulls_last=True), F("starts_at").asc(), F("id").asc()),
    "popularity": (F("tickets_sold").desc(), F("starts_at").asc(), F("id").asc()),
}


class EventFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date is before the start date."))
        price_min, price_max = cleaned.get("price_min"), cleaned.get("price_max")
        if price_min is not None and price_max is not None and price_max < price_min:
            self.add_error("price_max", _("The maximum price is below the minimum price."))
        return cleaned


def is_postgresql(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _local_day_start(day: dt.date, tz_name: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(tz_name))


class EventFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", max_length=SEARCH_MAX_LENGTH, strip=True, label=_("Search")
    )
    category = django_filters.CharFilter(field_name="category__slug", max_length=60, label=_("Category"))
    city = django_filters.CharFilter(field_name="venue__city", lookup_expr="iexact", max_length=100, label=_("City"))
    date_from = django_filters.DateFilter(method="filter_date_from", label=_("From"), validators=DATE_VALIDATORS)
    date_to = django_filters.DateFilter(method="filter_date_to", label=_("To"), validators=DATE_VALIDATORS)
    price_min = django_filters.NumberFilter(
        field_name="price_from",
        lookup_expr="gte",
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        label=_("Minimum price"),
    )
    price_max = django_filters.NumberFilter(
        field_name="price_from",
        lookup_expr="lte",
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        label=_("Maximum price"),
    )
    free = django_filters.BooleanFilter(
        method="filter_free", widget=django_filters.widgets.BooleanWidget, label=_("Free")
    )
    available = django_filters.BooleanFilter(
        method="filter_available", widget=django_filters.widgets.BooleanWidget, label=_("Tickets available")
    )
    online = django_filters.BooleanFilter(
        method="filter_online", widget=django_filters.widgets.BooleanWidget, label=_("Online")
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES, method="filter_noop", empty_label=None, label=_("Sort by")
    )

    class Meta:
        model = Event
        fields = ()
        form = EventFilterForm

    def filter_queryset(self, queryset: QuerySet[Event]) -> QuerySet[Event]:
        if "price_from" not in queryset.query.annotations:
            queryset = with_listing_annotations(queryset)
        queryset = super().filter_queryset(queryset)
        return self._order(queryset)

    def _order(self, queryset: QuerySet[Event]) -> QuerySet[Event]:
        ordering = self.form.cleaned_data.get("ordering")
        if ordering:
            return queryset.order_by(*ORDER_BY[ordering])
        if "search_rank" in queryset.query.annotations:
            return queryset.order_by(F("search_rank").desc(), *ORDER_BY["date"])
        return queryset.order_by(*ORDER_BY["date"])

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value: str):
        if is_postgresql(queryset):
            vector = (
                SearchVector("title", weight="A", config=SEARCH_CONFIG)
                + SearchVector("summary", "description", weight="B", config=SEARCH_CONFIG)
                + SearchVector("venue__name", "venue__city", "organizer__name", weight="C", config=SEARCH_CONFIG)
            )
            query = SearchQuery(value, search_type="websearch", config=SEARCH_CONFIG)
            # alias(), not annotate(): the document and rank are used in WHERE and ORDER BY, never fetched.
            return queryset.alias(search_document=vector, search_rank=SearchRank(vector, query)).filter(
                Q(search_document=query) | Q(title__icontains=value)
            )
        condition = Q()
        for word in value.replace('"', " ").split():
            any_field = Q()
            for field in SEARCH_TEXT_FIELDS:
                any_field |= Q(**{f"{field}__icontains": word})
            condition &= any_field
        return queryset.filter(condition)

    def _day_bound(self, queryset, day: dt.date, lookup: str):
        """Compare ``lookup`` with local midnight of ``day`` in each event's own time zone.

        One condition per time zone in use (a handful), which works on every database and honours DST.
        """
        zones = Event.objects.using(queryset.db).order_by().values_list("timezone", flat=True).distinct()
        condition = Q(pk__in=[])
        for tz_name in zones:
            try:
                condition |= Q(timezone=tz_name, **{lookup: _local_day_start(day, tz_name)})
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # a zone name the model validator would refuse
                continue
        return queryset.filter(condition)

    def filter_date_from(self, queryset, name, value: dt.date):
        return self._day_bound(queryset, value, "ends_at__gt")

    def filter_date_to(self, queryset, name, value: dt.date):
        return self._day_bound(queryset, value + dt.timedelta(days=1), "starts_at__lt")

    def filter_free(self, queryset, name, value: bool):
        return queryset.filter(price_from=0) if value else queryset.filter(price_from__gt=0)

    def filter_available(self, queryset, name, value: bool):
        return queryset.filter(tickets_left__gt=0) if value else queryset.filter(tickets_left__lte=0)

    def filter_online(self, queryset, name, value: bool):
        return queryset.filter(venue__isnull=value)
