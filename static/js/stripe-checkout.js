// Stripe Elements: the card never touches our server. Loaded only when the Stripe provider is active.
(function () {
  "use strict";
  var form = document.getElementById("stripe-form");
  if (!form || !window.Stripe) { return; }
  var stripe = window.Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#stripe-card");
  var error = document.getElementById("stripe-error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.textContent = "";
    stripe.confirmCardPayment(form.dataset.clientSecret, { payment_method: { card: card } }).then(function (result) {
      if (result.error) {
        error.textContent = result.error.message;
        delete form.dataset.submitting;
        return;
      }
      window.location.href = form.dataset.returnUrl + (form.dataset.returnUrl.indexOf("?") < 0 ? "?" : "&") + "payment_intent=" + result.paymentIntent.id;
    });
  });
})();
