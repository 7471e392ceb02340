"""The Stripe webhook endpoint and the simulated provider's 3-D Secure page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.errors import DomainError, NotFound
from payments.errors import InvalidWebhook
from payments.models import Provider
from payments.selectors import payment_get_awaiting_action
from payments.services.payments import payment_confirm_simulated
from payments.services.webhooks import stripe_webhook_receive
from tickets.selectors import order_get_for_buyer


# Stripe signs its requests instead of sending our session or CSRF cookie, so CSRF does not apply here;
# the signature check in stripe_webhook_receive is what authenticates the caller.
@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verify, store once, answer 200 at once; the work happens in a Celery task."""
    try:
        _event, first = stripe_webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", ""), now=timezone.now()
        )
    except InvalidWebhook:
        return HttpResponse(status=400)
    return HttpResponse("ok" if first else "duplicate", content_type="text/plain")


class SimulatedAuthenticateView(LoginRequiredMixin, TemplateView):
    """The simulated bank's 3-D Secure page: the buyer completes or fails the check."""

    template_name = "payments/simulated_authenticate.html"

    def get_payment(self):
        try:
            order = order_get_for_buyer(buyer=self.request.user, code=self.kwargs["code"])
            payment = payment_get_awaiting_action(order=order)
        except NotFound as exc:
            raise Http404 from exc
        if payment.provider != Provider.SIMULATED:
            raise Http404
        return payment

    def next_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return reverse("tickets:order_detail", args=[self.kwargs["code"].upper()])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "payment": self.get_payment(), "next": self.next_url()}

    def post(self, request, *args, **kwargs):
        payment = self.get_payment()
        try:
            payment_confirm_simulated(
                payment=payment, approve=request.POST.get("action") == "approve", now=timezone.now()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Payment confirmed. Your tickets are on their way to your inbox."))
        return redirect(self.next_url())
