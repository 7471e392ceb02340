"""Public catalogue pages: the event list (search, filters, sorting), category pages, the event page,
its calendar file, and the wishlist."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRedirect, push_url

from core.errors import NotFound
from events import ics
from events.filters import ORDERING_CHOICES, EventFilter
from events.models import Category, Event
from events.selectors.public import (
    category_counts,
    category_get,
    event_city_list,
    event_get_public,
    event_is_wishlisted,
    event_ticket_offers,
    events_public,
    wishlist_list,
)
from events.selectors.seating import seat_ids_taken, seat_map_layout
from events.services.wishlist import wishlist_add, wishlist_remove
from tickets.selectors_applications import application_get_open
from tickets.selectors_promo import promo_code_is_known, promo_code_unlocked_type_ids
from tickets.views.referrals import referral_invitation_for

PAGE_SIZE = 12
UNLOCK_CODE_MAX_LENGTH = 40
FILTER_PARAMS = (
    "search",
    "category",
    "city",
    "date_from",
    "date_to",
    "price_min",
    "price_max",
    "free",
    "available",
    "online",
)


def _event_or_404(*, slug: str, user) -> Event:
    try:
        return event_get_public(slug=slug, user=user)
    except NotFound:
        raise Http404 from None


def _page_range(page) -> list:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


def _non_empty(params: QueryDict) -> QueryDict:
    """The query without blank values, which a GET form sends for every untouched field."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        kept.setlist(key, [value for value in values if value.strip()])
        if not kept.getlist(key):
            del kept[key]
    return kept


def _without(params: QueryDict, *names: str) -> str:
    """The query string without ``names`` (and without the page number, which a new filter resets)."""
    kept = params.copy()
    for name in (*names, "page"):
        kept.pop(name, None)
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else "?"


class EventListView(TemplateView):
    """Search, filter and sort upcoming events; every bit of state lives in the query string."""

    template_name = "events/public/list.html"
    category: Category | None = None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.htmx:
            # Show the tidy address (no empty parameters) for the filtered list htmx just pushed.
            query = _non_empty(request.GET).urlencode()
            push_url(response, f"{request.path}?{query}" if query else request.path)
        return response

    def get_context_data(self, **kwargs):
        request = self.request
        params = _non_empty(request.GET)
        now = timezone.now()
        data = request.GET.copy()
        if self.category is not None:
            data["category"] = self.category.slug
        filterset = EventFilter(data, queryset=events_public(now=now, viewer=request.user))
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        categories = list(category_counts(now=now))
        cities = event_city_list(now=now)
        cleaned = filterset.form.cleaned_data
        if cleaned.get("city") and cleaned["city"].casefold() not in {city.casefold() for city in cities}:
            cities.append(cleaned["city"])
        return {
            **super().get_context_data(**kwargs),
            "category": self.category,
            "form": filterset.form,
            "values": {name: data.get(name, "") for name in (*FILTER_PARAMS, "ordering")},
            "filter_errors": [
                (filterset.form.fields[name].label or name, errors)
                for name, errors in filterset.form.errors.items()
                if name in filterset.form.fields
            ],
            "page_obj": page,
            "page_range": _page_range(page),
            "events": list(page.object_list),
            "result_count": page.paginator.count,
            "categories": categories,
            "cities": cities,
            "ordering_choices": ORDERING_CHOICES,
            "active_filters": self._active_filters(cleaned, categories, params),
            "date_presets": self._date_presets(params),
            "params": params,
            "clear_url": request.path,
            "is_searching": bool(cleaned.get("search")),
        }

    def _active_filters(self, cleaned: dict, categories: list[Category], params: QueryDict) -> list[dict]:
        """The applied filters as removable chips: a label and the URL without that filter."""
        names = {category.slug: category.name for category in categories}
        chips = []

        def chip(label: str, *keys: str) -> None:
            chips.append({"label": label, "remove_url": _without(params, *keys)})

        if cleaned.get("search"):
            chip(_("“%(text)s”") % {"text": cleaned["search"]}, "search")
        if cleaned.get("category") and self.category is None:
            chip(names.get(cleaned["category"], cleaned["category"]), "category")
        if cleaned.get("city"):
            chip(cleaned["city"], "city")
        if cleaned.get("date_from") or cleaned.get("date_to"):
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if start and end:
                label = (
                    f"{date_format(start, 'j M')} – {date_format(end, 'j M Y')}"
                    if start != end
                    else date_format(start, "j M Y")
                )
            elif start:
                label = _("From %(date)s") % {"date": date_format(start, "j M Y")}
            else:
                label = _("Until %(date)s") % {"date": date_format(end, "j M Y")}
            chip(label, "date_from", "date_to")
        if cleaned.get("price_min") is not None:
            chip(_("Price ≥ %(amount)s") % {"amount": f"{cleaned['price_min']:g}"}, "price_min")
        if cleaned.get("price_max") is not None:
            chip(_("Price ≤ %(amount)s") % {"amount": f"{cleaned['price_max']:g}"}, "price_max")
        if cleaned.get("free") is not None:
            chip(_("Free") if cleaned["free"] else _("Paid"), "free")
        if cleaned.get("available") is not None:
            chip(_("Tickets available") if cleaned["available"] else _("Sold out"), "available")
        if cleaned.get("online") is not None:
            chip(_("Online") if cleaned["online"] else _("In person"), "online")
        return chips

    def _date_presets(self, params: QueryDict) -> list[dict]:
        """Quick ranges (today, this weekend, next 7 days) as links keeping the other filters."""
        today = timezone.localdate()
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        weekend_start = today if today.weekday() == 6 else saturday
        ranges = [
            (_("Today"), today, today),
            (_("Tomorrow"), today + timedelta(days=1), today + timedelta(days=1)),
            (_("This weekend"), weekend_start, saturday + timedelta(days=1)),
            (_("Next 7 days"), today, today + timedelta(days=6)),
        ]
        presets = []
        for label, start, end in ranges:
            query = params.copy()
            query.pop("page", None)
            query["date_from"], query["date_to"] = start.isoformat(), end.isoformat()
            active = params.get("date_from") == start.isoformat() and params.get("date_to") == end.isoformat()
            presets.append({"label": label, "url": f"?{query.urlencode()}", "active": active})
        return presets


class CategoryEventListView(EventListView):
    """The event list within one category, under the category's heading."""

    def get(self, request, *args, slug: str, **kwargs):
        try:
            self.category = category_get(slug=slug)
        except NotFound:
            raise Http404 from None
        return super().get(request, *args, **kwargs)


class EventDetailView(TemplateView):
    template_name = "events/public/detail.html"

    def get_context_data(self, *, slug: str, **kwargs):
        request = self.request
        now = timezone.now()
        event = _event_or_404(slug=slug, user=request.user)
        code = request.GET.get("code", "").strip()[:UNLOCK_CODE_MAX_LENGTH]
        promo_unlocked = promo_code_unlocked_type_ids(event=event, code=code, now=now, buyer=request.user)
        offers = event_ticket_offers(event=event, now=now, code=code, unlocked_ids=promo_unlocked)
        code_is_promo = bool(promo_unlocked) or promo_code_is_known(event=event, code=code)
        visible_prices = [offer.price for offer in offers if not offer.ticket_type.is_hidden]
        url = request.build_absolute_uri(reverse("events:detail", args=[event.slug]))
        return {
            **super().get_context_data(**kwargs),
            "event": event,
            "offers": offers,
            "price_from": min(visible_prices) if visible_prices else None,
            "code": code,
            "code_rejected": bool(code) and not code_is_promo and not any(offer.unlocked for offer in offers),
            "code_is_promo": code_is_promo,
            "has_hidden_types": any(ticket_type.is_hidden for ticket_type in event.ticket_types.all()),
            "is_preview": event.status == Event.Status.DRAFT,
            "is_cancelled": event.status == Event.Status.CANCELLED,
            "is_over": event.status == Event.Status.ENDED or event.ends_at <= now,
            "can_buy": event.status == Event.Status.PUBLISHED
            and event.ends_at > now
            and not event.requires_approval
            and any(offer.quantity_choices for offer in offers),
            "can_apply": event.requires_approval and event.status == Event.Status.PUBLISHED and event.starts_at > now,
            "my_application": application_get_open(applicant=request.user, event=event)
            if event.requires_approval
            else None,
            "is_saved": event_is_wishlisted(event=event, user=request.user),
            "seat_layout": _seat_layout(event, now=now),
            "absolute_url": url,
            "cover_url": request.build_absolute_uri(event.cover.url) if event.cover else "",
            "share_links": _share_links(title=event.title, url=url),
            "map_url": _map_url(event),
            "invitation": referral_invitation_for(request, event),
        }


def _seat_layout(event: Event, *, now) -> dict | None:
    """The seat map with sold and held seats marked, for seated events only (no query for the others)."""
    if not hasattr(event, "seat_map"):
        return None
    return seat_map_layout(event=event, taken_seat_ids=seat_ids_taken(event=event, now=now))


def _share_links(*, title: str, url: str) -> list[dict]:
    text = f"{title} {url}"
    return [
        {
            "name": _("E-mail"),
            "icon": "envelope",
            "url": "mailto:?" + urlencode({"subject": title, "body": url}).replace("+", "%20"),
            "external": False,
        },
        {
            "name": "X",
            "icon": "twitter-x",
            "url": "https://x.com/intent/tweet?" + urlencode({"text": title, "url": url}),
            "external": True,
        },
        {
            "name": "Facebook",
            "icon": "facebook",
            "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
            "external": True,
        },
        {
            "name": "WhatsApp",
            "icon": "whatsapp",
            "url": "https://wa.me/?" + urlencode({"text": text}),
            "external": True,
        },
    ]


def _map_url(event: Event) -> str:
    if event.venue is None:
        return ""
    venue = event.venue
    if venue.latitude is not None and venue.longitude is not None:
        return f"https://www.openstreetmap.org/?mlat={venue.latitude}&mlon={venue.longitude}#map=17/{venue.latitude}/{venue.longitude}"
    address = ", ".join(
        part for part in (venue.address, f"{venue.postal_code} {venue.city}".strip(), venue.country) if part
    )
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address})


class EventCalendarView(View):
    """The event as an .ics file (times in UTC) for any calendar app."""

    def get(self, request, slug: str):
        event = _event_or_404(slug=slug, user=request.user)
        url = request.build_absolute_uri(reverse("events:detail", args=[event.slug]))
        response = HttpResponse(ics.event_calendar(event=event, url=url, now=timezone.now()))
        response["Content-Type"] = "text/calendar; charset=utf-8"
        response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
        return response


class WishlistToggleView(View):
    """Save or unsave an event. ``action`` is ``add`` or ``remove`` (repeating it is harmless); without it,
    the saved state flips. htmx requests get the button back, others a redirect to ``next``."""

    http_method_names = ["post"]

    def post(self, request, slug: str):
        detail_url = reverse("events:detail", args=[slug])
        if not request.user.is_authenticated:
            login_url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': detail_url})}"
            return HttpResponseClientRedirect(login_url) if request.htmx else redirect(login_url)
        event = _event_or_404(slug=slug, user=request.user)
        action = request.POST.get("action")
        if action not in ("add", "remove"):
            action = "remove" if event_is_wishlisted(event=event, user=request.user) else "add"
        if action == "add" and event.status != Event.Status.PUBLISHED:
            messages.warning(request, _("Only events that are on sale can be saved."))
            saved = event_is_wishlisted(event=event, user=request.user)
        elif action == "add":
            wishlist_add(user=request.user, event=event)
            saved = True
        else:
            wishlist_remove(user=request.user, event=event)
            saved = False
        if request.htmx:
            return render(
                request,
                "components/wishlist_button.html",
                {
                    "event": event,
                    "saved": saved,
                    "authenticated": True,
                    "csrf_token": get_token(request),
                    "compact": request.POST.get("compact") == "1",
                },
            )
        if saved:
            messages.success(request, _("Saved to your wishlist."))
        elif action == "remove":
            messages.success(request, _("Removed from your wishlist."))
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = detail_url
        return redirect(next_url)


class WishlistView(LoginRequiredMixin, TemplateView):
    template_name = "events/public/wishlist.html"

    def get_context_data(self, **kwargs):
        saved = wishlist_list(user=self.request.user, now=timezone.now())
        page = Paginator(saved, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page_obj": page,
            "page_range": _page_range(page),
            "events": list(page.object_list),
            "params": self.request.GET,
        }
