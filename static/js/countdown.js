// Ticks the reservation timer; when it runs out, reload so the server shows what happens next.
(function () {
  "use strict";
  document.querySelectorAll("[data-countdown-seconds]").forEach(function (box) {
    var clock = box.querySelector("[data-countdown-clock]");
    var deadline = Date.now() + parseInt(box.dataset.countdownSeconds, 10) * 1000;
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      box.classList.toggle("countdown--urgent", left < 60);
      if (left === 0) {
        window.clearInterval(timer);
        window.location.reload();
      }
    }
    var timer = window.setInterval(tick, 1000);
    tick();
  });
})();
