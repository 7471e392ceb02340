"""The promo code field of the checkout page: what a code would save on this hold, or why it can't be used.

The code is part of the checkout form; "Apply" shows its effect before the buyer commits (with htmx, the field
and the order summary are swapped in place; without JavaScript the page is rendered again). The use is only
claimed by ``order_checkout`` when the buyer continues.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from core.errors import NotFound
from events.models import Event
from tickets.errors import PromoError
from tickets.models import PROMO_CODE_MAX_LENGTH, Hold
from tickets.selectors import hold_get_for_buyer
from tickets.selectors_promo import promo_code_is_known
from tickets.services.promo_codes import promo_code_normalise
from tickets.services.promo_redemptions import promo_code_quote

PROMO_FIELD = "promo_code"


@dataclass(frozen=True)
class CheckoutPromo:
    """The promo code as the checkout page shows it."""

    code: str
    label: str = ""
    discount: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    error: str = ""

    @property
    def applied(self) -> bool:
        return not self.error and self.discount > 0


def promo_code_from(data) -> str:
    return promo_code_normalise(data.get(PROMO_FIELD, ""))[:PROMO_CODE_MAX_LENGTH]


def checkout_promo(*, hold: Hold, buyer, code: str) -> CheckoutPromo | None:
    """What ``code`` does to this hold now (None without a code). Reads only."""
    if not code:
        return None
    try:
        quote = promo_code_quote(
            event=hold.event, code=code, buyer=buyer, lines=list(hold.lines.all()), now=timezone.now()
        )
    except PromoError as exc:
        return CheckoutPromo(code=code, error=exc.message)
    amount = quote.discount.amount
    return CheckoutPromo(code=code, label=quote.discount.label, discount=amount, total=hold.total - amount)


def checkout_promo_refused(*, code: str, error: PromoError) -> CheckoutPromo:
    """The refusal of ``order_checkout`` itself (the code was used up meanwhile, ...), shown at the field."""
    return CheckoutPromo(code=code, error=error.message)


def checkout_url(*, hold: Hold, event: Event, code: str) -> str:
    """The checkout page of a new hold; a promo code typed on the event page comes along, prefilled."""
    url = reverse("tickets:checkout", args=[hold.public_id])
    code = promo_code_normalise(code)
    if code and len(code) <= PROMO_CODE_MAX_LENGTH and promo_code_is_known(event=event, code=code):
        url += "?" + urlencode({PROMO_FIELD: code})
    return url


def summary_context(*, hold: Hold, promo: CheckoutPromo | None, referral=None) -> dict:
    """The order summary's discount line and total: the applied promo code, else a valid invitation."""
    if promo is not None and promo.applied:
        return {"discount": promo.discount, "discount_label": promo.label, "total": promo.total}
    if referral is not None and not getattr(referral, "error", "") and getattr(referral, "discount", 0):
        return {"discount": referral.discount, "discount_label": referral.label, "total": referral.total}
    return {"discount": None, "discount_label": "", "total": hold.total}


class CheckoutPromoApplyView(LoginRequiredMixin, View):
    """htmx: the promo field with the code's effect (or its refusal) and, out of band, the order summary."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, hold_id):
        try:
            hold = hold_get_for_buyer(buyer=request.user, public_id=hold_id)
        except NotFound as exc:
            raise Http404 from exc
        promo = checkout_promo(hold=hold, buyer=request.user, code=promo_code_from(request.POST))
        lines = list(hold.lines.select_related("ticket_type"))
        context = {
            "hold": hold,
            "event": hold.event,
            "promo": promo,
            "rows": [
                {"name": line.ticket_type.name, "quantity": line.quantity, "total": line.unit_price * line.quantity}
                for line in lines
            ],
            "seats": [reservation.seat for reservation in hold.seat_reservations.select_related("seat__row__section")],
            "summary": summary_context(hold=hold, promo=promo),
            "oob": True,
        }
        return render(request, "tickets/_checkout_promo_response.html", context)
