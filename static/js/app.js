// EventHorizon page behaviour: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  function hideToastsLater(root) {
    root.querySelectorAll(".toast[data-autohide='true']").forEach(function (toast) {
      if (window.bootstrap && window.bootstrap.Toast) {
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

  document.addEventListener("DOMContentLoaded", function () {
    hideToastsLater(document);
    focusFirstError();
    guardDoubleSubmit();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    hideToastsLater(event.target);
  });
})();
