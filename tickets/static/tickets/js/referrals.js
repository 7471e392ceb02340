// "Share and save": copy a referral link with one click. Without JavaScript the link stays selectable text.
(function () {
  "use strict";
  if (window.ehReferralCopyReady) {
    return; // the card can appear several times on a page; one listener serves them all
  }
  window.ehReferralCopyReady = true;

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.select();
    input.setSelectionRange(0, input.value.length);
    var copied = document.execCommand && document.execCommand("copy");
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) {
      return;
    }
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var label = button.querySelector("[data-copy-label]");
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!input || !label) {
      return;
    }
    var original = label.getAttribute("data-copy-label");
    copyText(input)
      .then(function () {
        label.textContent = button.getAttribute("data-copied-text");
        button.classList.add("is-copied");
        if (status) {
          status.textContent = button.getAttribute("data-copied-text");
        }
        window.setTimeout(function () {
          label.textContent = original;
          button.classList.remove("is-copied");
          if (status) {
            status.textContent = "";
          }
        }, 2500);
      })
      .catch(function () {
        input.focus();
        input.select(); // the person copies it themselves
      });
  });
})();
