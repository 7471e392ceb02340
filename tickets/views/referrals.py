"""The referral program in the browser, for attendees: following a link (/r/<code>/), the invitation on the event
page and at checkout, the "Share and save" link and "Your rewards".

Following a link remembers its code for the event, in the session and in a signed cookie kept 30 days (the
session alone would forget it when the visitor signs up in another browser session). Checkout reads it back
and applies it; the buyer can remove it.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError, NotFound
from events.models import Event
from events.selectors.public import event_get_public
from tickets.errors import ReferralNotNewCustomer
from tickets.models import Hold, Referral, ReferralLink
from tickets.selectors import hold_get_for_buyer
from tickets.selectors_referrals import (
    Invitation,
    referral_invitation_get,
    referral_link_list_for_user,
    referral_reward_list_for_user,
    referral_share_cards,
)
from tickets.services.referrals import (
    REFERRAL_CODE_MAX_LENGTH,
    referral_link_get_or_create,
    referral_quote,
    referral_value_label,
)

SESSION_KEY = "referral_codes"
COOKIE_NAME = "eh_referral"
COOKIE_SALT = "tickets.referral"
COOKIE_MAX_AGE = timedelta(days=30)
MAX_REMEMBERED = 10  # events; the oldest is forgotten first

# --- remembering codes ----------------------------------------------------------------------------------------


def _clean_code(value: str) -> str:
    code = value.strip().upper()[:REFERRAL_CODE_MAX_LENGTH]
    return code if code.isalnum() else ""


def remembered_codes(request: HttpRequest) -> dict[str, str]:
    """Event pk (as text) → referral code, from the cookie overlaid with the session (newest last)."""
    codes: dict[str, str] = {}
    cookie = request.get_signed_cookie(COOKIE_NAME, default="", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    for pair in cookie.split("."):
        event_pk, _sep, code = pair.partition(":")
        if event_pk.isdigit() and _clean_code(code):
            codes[event_pk] = _clean_code(code)
    stored = request.session.get(SESSION_KEY, {})
    if isinstance(stored, dict):
        codes.update({str(k): _clean_code(str(v)) for k, v in stored.items() if str(k).isdigit() and v})
    return {k: v for k, v in codes.items() if v}


def remembered_code_for(request: HttpRequest, event: Event) -> str:
    return remembered_codes(request).get(str(event.pk), "")


def _store(request: HttpRequest, response: HttpResponse, codes: dict[str, str]) -> None:
    codes = dict(list(codes.items())[-MAX_REMEMBERED:])
    request.session[SESSION_KEY] = codes
    if codes:
        response.set_signed_cookie(
            COOKIE_NAME,
            ".".join(f"{k}:{v}" for k, v in codes.items()),
            salt=COOKIE_SALT,
            max_age=int(COOKIE_MAX_AGE.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")


def remember_code(request: HttpRequest, response: HttpResponse, *, event: Event, code: str) -> None:
    codes = remembered_codes(request)
    codes.pop(str(event.pk), None)
    codes[str(event.pk)] = code
    _store(request, response, codes)


def forget_code(request: HttpRequest, response: HttpResponse, *, event: Event) -> None:
    codes = remembered_codes(request)
    codes.pop(str(event.pk), None)
    _store(request, response, codes)


# --- following a link, the invitation on the event page and at checkout -----------------------------------------


class ReferralVisitView(View):
    """/r/<code>/: remember the code for its event and open the event page. A link of an event whose program
    is off just opens the event page."""

    def get(self, request, code: str):
        code = _clean_code(code)
        link = ReferralLink.objects.select_related("event").filter(code=code).first() if code else None
        if link is None:
            raise Http404
        try:
            event = event_get_public(slug=link.event.slug, user=request.user)
        except NotFound as exc:
            raise Http404 from exc
        response = redirect("events:detail", slug=event.slug)
        if event.referral_enabled:
            remember_code(request, response, event=event, code=link.code)
        return response


def referral_invitation_for(request: HttpRequest, event: Event) -> Invitation | None:
    """The invitation the visitor followed to this event, for the banner on its page (None: no banner)."""
    return referral_invitation_get(code=remembered_code_for(request, event), event=event, viewer=request.user)


@dataclass(frozen=True)
class CheckoutReferral:
    """The invitation as the checkout page shows it: what it saves, or why it cannot be used."""

    code: str
    label: str = ""
    discount: Decimal | None = None
    total: Decimal | None = None
    error: str = ""


def referral_checkout_context(request: HttpRequest, hold: Hold) -> CheckoutReferral | None:
    """The referral applied at checkout: the code posted with the form, else the one remembered for the event."""
    if request.method == "POST":
        code = _clean_code(request.POST.get("referral_code", ""))
    else:
        code = remembered_code_for(request, hold.event)
    if not code or not hold.event.referral_enabled:
        return None
    try:
        quote = referral_quote(code=code, event=hold.event, buyer=request.user, subtotal=hold.total)
    except ReferralNotNewCustomer as exc:
        if request.method != "POST" and _already_referred(request.user, hold.event):
            return None  # the invitation served its purpose: a returning friend is not asked to remove it
        return CheckoutReferral(code=code, error=exc.message)
    except DomainError as exc:
        return CheckoutReferral(code=code, error=exc.message)
    if quote is None:
        return None
    amount = quote.discount.amount
    return CheckoutReferral(code=code, label=quote.discount.label, discount=amount, total=hold.total - amount)


def _already_referred(user, event: Event) -> bool:
    return Referral.objects.filter(event=event, referred_user=user, order__paid_at__isnull=False).exists()


class ReferralRemoveView(LoginRequiredMixin, View):
    """Checkout without the invitation: forget its code for the event and go back to the checkout page."""

    http_method_names = ["post"]

    def post(self, request, hold_id):
        try:
            hold = hold_get_for_buyer(buyer=request.user, public_id=hold_id)
        except NotFound as exc:
            raise Http404 from exc
        response = redirect("tickets:checkout", hold_id=hold.public_id)
        forget_code(request, response, event=hold.event)
        messages.info(request, _("The invitation was removed. You pay the full price."))
        return response


# --- the referrer's side ---------------------------------------------------------------------------------------


def share_url(request: HttpRequest, link: ReferralLink) -> str:
    return request.build_absolute_uri(reverse("referrals:visit", args=[link.code]))


class ReferralLinkCreateView(LoginRequiredMixin, View):
    """Create the ticket holder's link for an event (tickets bought before the organizer started the program)."""

    http_method_names = ["post"]

    def post(self, request, event_pk: int):
        event = Event.objects.filter(pk=event_pk).first()
        if event is None:
            raise Http404
        try:
            referral_link_get_or_create(event=event, referrer=request.user, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your link is ready. Share it with friends!"))
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("tickets:my_tickets")
        return redirect(next_url)


def share_cards_for(request: HttpRequest, events) -> dict:
    """Event pk → its "Share and save" card (with the absolute ``url`` of the link), for the signed-in user."""
    cards = referral_share_cards(user=request.user, events=events)
    return {pk: {"card": card, "url": share_url(request, card.link) if card.link else ""} for pk, card in cards.items()}


class RewardListView(LoginRequiredMixin, TemplateView):
    """The "Your rewards" page: promo codes earned through referral links, and the links themselves."""

    template_name = "tickets/rewards.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        links = list(referral_link_list_for_user(user=self.request.user))
        return {
            **super().get_context_data(**kwargs),
            "rewards": [
                reward_row(referral, now=now) for referral in referral_reward_list_for_user(user=self.request.user)
            ],
            "links": [{"link": link, "url": share_url(self.request, link)} for link in links],
        }


def reward_row(referral: Referral, *, now) -> dict:
    """One earned reward as "Your rewards" lists it, with its ``state``: usable, used, revoked or expired."""
    code, event = referral.reward_code, referral.event
    if referral.status == Referral.Status.REVOKED:
        state = "revoked"
    elif code is not None and code.max_uses is not None and code.uses >= code.max_uses:
        state = "used"
    elif code is None or not code.is_active or event.ends_at <= now:
        state = "expired"
    else:
        state = "usable"
    label = referral_value_label(kind=code.kind, value=code.value, currency=event.currency) if code else ""
    return {"referral": referral, "event": event, "code": code.code if code else "", "label": label, "state": state}
