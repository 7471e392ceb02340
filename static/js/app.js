// EventHorizon page behaviour: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // Start the auto-hide timer of the new toasts in ``root`` (``root`` itself may be one). A toast that
  // already has its timer, or was closed, is left alone.
  function hideToastsLater(root) {
    if (!root || !root.querySelectorAll || !(window.bootstrap && window.bootstrap.Toast)) {
      return;
    }
    var selector = ".toast[data-autohide='true']";
    var toasts = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      toasts.push(root);
    }
    toasts.forEach(function (toast) {
      if (!window.bootstrap.Toast.getInstance(toast)) {
        window.bootstrap.Toast.getOrCreateInstance(toast, { delay: 6000 }).show();
      }
    });
  }

  // Move focus to the first invalid field so keyboard and screen-reader users land on the problem.
  function focusFirstError() {
    var invalid = document.querySelector("main .is-invalid, main [aria-invalid='true']");
    if (invalid && typeof invalid.focus === "function") {
      invalid.focus();
    }
  }

  // Disable submit buttons while a form is being sent, so a double click does not send it twice.
  function guardDoubleSubmit() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset.submitting === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      form.querySelectorAll("button[type='submit']").forEach(function (button) {
        button.setAttribute("aria-busy", "true");
        button.classList.add("is-loading");
      });
    });
  }

  // A row of tabs that scrolls sideways (the organizer's event sections): bring the current one into view.
  function revealActiveTab() {
    document.querySelectorAll(".event-tabs").forEach(function (nav) {
      var active = nav.querySelector(".nav-link.active");
      if (active && nav.scrollWidth > nav.clientWidth) {
        nav.scrollLeft = active.offsetLeft - nav.offsetLeft - (nav.clientWidth - active.offsetWidth) / 2;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    hideToastsLater(document);
    focusFirstError();
    guardDoubleSubmit();
    revealActiveTab();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    hideToastsLater(event.target);
  });
  // Toasts sent out of band (hx-swap-oob) by a response that swaps something else. htmx fires this on the
  // swapped-in element for an outerHTML swap, but on the main swap target for beforeend or innerHTML ones;
  // detail.target is then the out-of-band target (the toast container).
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    hideToastsLater(event.target);
    if (event.detail && event.detail.target && event.detail.target.isConnected) {
      hideToastsLater(event.detail.target);
    }
  });
})();
