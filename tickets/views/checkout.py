"""The buying journey in the browser: choose tickets → checkout (names) → pay → confirmation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError, NotFound
from events.selectors.public import event_get_public
from payments.errors import PaidTooLate, PaymentDeclined
from payments.models import Payment
from payments.services.payments import payment_pay_simulated, payment_start, payment_sync
from tickets.errors import PromoError
from tickets.forms import AttendeeNamesForm, CardForm
from tickets.models import Hold, Order
from tickets.selectors import hold_get_for_buyer, order_get_for_buyer
from tickets.services.holds import LineRequest, hold_create, hold_release
from tickets.services.orders import order_checkout
from tickets.views.checkout_promo import (
    checkout_promo,
    checkout_promo_refused,
    checkout_url,
    promo_code_from,
    summary_context,
)
from tickets.views.referrals import referral_checkout_context

MAX_QUANTITY = 100


def _not_found_as_404(fetch):
    try:
        return fetch()
    except NotFound as exc:
        raise Http404 from exc


class HoldStartView(LoginRequiredMixin, View):
    """POST from the event page: the chosen quantities (qty-<ticket type id>) become a hold."""

    def post(self, request, slug: str):
        event = _not_found_as_404(lambda: event_get_public(slug=slug, user=request.user))
        event_url = reverse("events:detail", args=[event.slug]) + "#tickets"
        lines = []
        for key, value in request.POST.items():
            if key.startswith("qty-") and key[4:].isdigit():
                try:
                    quantity = int(value)
                except ValueError:
                    quantity = -1
                if not 0 <= quantity <= MAX_QUANTITY:
                    messages.error(request, _("Choose a number of tickets from the list."))
                    return redirect(event_url)
                if quantity:
                    lines.append(LineRequest(int(key[4:]), quantity))
        try:
            hold = hold_create(
                buyer=request.user,
                event=event,
                lines=lines,
                now=timezone.now(),
                unlock_code=request.POST.get("code", "")[:40],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(event_url)
        return redirect(checkout_url(hold=hold, event=event, code=request.POST.get("code", "")))


class CheckoutView(LoginRequiredMixin, TemplateView):
    """Review the reserved tickets, name each attendee, and continue to payment."""

    template_name = "tickets/checkout.html"

    def get_hold(self) -> Hold:
        return _not_found_as_404(lambda: hold_get_for_buyer(buyer=self.request.user, public_id=self.kwargs["hold_id"]))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.hold = self.get_hold()
        if self.hold.status == Hold.Status.CHECKED_OUT:
            return redirect("tickets:pay", code=self.hold.order.code)
        if self.hold.status != Hold.Status.ACTIVE or self.hold.expires_at <= timezone.now():
            messages.warning(request, _("Your reservation has expired. Please choose your tickets again."))
            return redirect(reverse("events:detail", args=[self.hold.event.slug]) + "#tickets")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return AttendeeNamesForm(data, hold=self.hold, buyer_name=self.request.user.name)

    def get_promo(self):
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        return checkout_promo(hold=self.hold, buyer=self.request.user, code=promo_code_from(source))

    def get_context_data(self, **kwargs):
        referral = referral_checkout_context(self.request, self.hold)
        promo = kwargs["promo"] if "promo" in kwargs else self.get_promo()
        lines = list(self.hold.lines.select_related("ticket_type"))
        seats = list(self.hold.seat_reservations.select_related("seat__row__section").order_by("seat_id"))
        return {
            **super().get_context_data(**kwargs),
            "hold": self.hold,
            "event": self.hold.event,
            "rows": [
                {"name": line.ticket_type.name, "quantity": line.quantity, "total": line.unit_price * line.quantity}
                for line in lines
            ],
            "seats": [reservation.seat for reservation in seats],
            "form": kwargs.get("form") or self.get_form(),
            "seconds_left": max(0, int((self.hold.expires_at - timezone.now()).total_seconds())),
            "referral": referral,
            "promo": promo,
            "summary": summary_context(hold=self.hold, promo=promo, referral=referral),
        }

    def post(self, request, *args, **kwargs):
        if "apply_promo" in request.POST:  # without JavaScript: show the code's effect, keep the typed names
            names = {key: value for key, value in request.POST.items() if key.startswith("name_")}
            form = AttendeeNamesForm(initial=names, hold=self.hold, buyer_name=request.user.name)
            return self.render_to_response(self.get_context_data(form=form))
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            order = order_checkout(
                hold=self.hold,
                buyer=request.user,
                attendee_names=form.names(),
                now=timezone.now(),
                promo_code=promo_code_from(request.POST),
                referral_code=request.POST.get("referral_code", "")[:40],
            )
        except PromoError as exc:
            promo = checkout_promo_refused(code=promo_code_from(request.POST), error=exc)
            return self.render_to_response(self.get_context_data(form=form, promo=promo))
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form))
        if order.status == Order.Status.PAID:
            messages.success(request, _("You're in! Your tickets are below and on their way to your inbox."))
            return redirect("tickets:order_detail", code=order.code)
        return redirect("tickets:pay", code=order.code)


class HoldReleaseView(LoginRequiredMixin, View):
    def post(self, request, hold_id):
        hold = _not_found_as_404(lambda: hold_get_for_buyer(buyer=request.user, public_id=hold_id))
        hold_release(hold=hold, buyer=request.user)
        messages.info(request, _("Your reserved tickets went back on sale."))
        return redirect(reverse("events:detail", args=[hold.event.slug]))


class PayView(LoginRequiredMixin, TemplateView):
    """Pay a pending order: a test card form (simulated provider) or Stripe Elements (stripe)."""

    template_name = "tickets/pay.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.order = _not_found_as_404(lambda: order_get_for_buyer(buyer=request.user, code=kwargs["code"]))
        returned_from = request.GET.get("payment_intent", "")[:100]
        if returned_from and settings.PAYMENT_PROVIDER == "stripe":  # back from Stripe.js: read the outcome now
            payment = Payment.objects.filter(order=self.order, provider_payment_id=returned_from).first()
            if payment is not None:
                try:
                    payment_sync(payment=payment, now=timezone.now())
                except DomainError as exc:
                    messages.warning(request, exc.message)
                self.order.refresh_from_db()
        if self.order.status == Order.Status.PAID:
            return redirect("tickets:order_detail", code=self.order.code)
        if self.order.status != Order.Status.PENDING:
            messages.warning(request, _("This order can no longer be paid."))
            return redirect("tickets:order_detail", code=self.order.code)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = {
            **super().get_context_data(**kwargs),
            "order": self.order,
            "event": self.order.event,
            "provider": settings.PAYMENT_PROVIDER,
            "form": kwargs.get("form") or CardForm(),
            "rows": [
                {"name": line.ticket_type.name, "quantity": line.quantity, "total": line.total}
                for line in self.order.lines.all()
            ],
            "seconds_left": max(0, int((self.order.expires_at - timezone.now()).total_seconds())),
        }
        if settings.PAYMENT_PROVIDER == "stripe":
            try:
                payment = payment_start(order=self.order, now=timezone.now())
            except DomainError as exc:
                messages.error(self.request, exc.message)
            else:
                context["stripe_client_secret"] = payment.client_secret
                context["stripe_publishable_key"] = settings.STRIPE_PUBLISHABLE_KEY
        return context

    def post(self, request, *args, **kwargs):
        form = CardForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            payment = payment_pay_simulated(
                order=self.order, card_number=form.cleaned_data["card_number"], now=timezone.now()
            )
        except PaidTooLate as exc:
            messages.warning(request, exc.message)
            return redirect("tickets:order_detail", code=self.order.code)
        except (PaymentDeclined, DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(getattr(exc, "messages", [])))
            return self.render_to_response(self.get_context_data(form=form))
        if payment.status == payment.Status.REQUIRES_ACTION:
            next_url = reverse("tickets:order_detail", args=[self.order.code])
            return redirect(reverse("payments:simulated_authenticate", args=[self.order.code]) + f"?next={next_url}")
        messages.success(request, _("Payment received. Your tickets are below and on their way to your inbox."))
        return redirect("tickets:order_detail", code=self.order.code)
