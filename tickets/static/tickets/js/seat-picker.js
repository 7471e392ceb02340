// Seat picker (tickets/seat_pick.html): a live "N seats · total" summary and arrow-key moves between seats.
// Progressive enhancement only: the page is a plain form of checkboxes and works without it.
(function () {
  "use strict";

  var form = document.querySelector("[data-seat-picker]");
  if (!form) {
    return;
  }
  var summary = form.querySelector("[data-seat-summary]");
  var text = form.dataset;
  var maxSeats = parseInt(text.maxSeats, 10) || Infinity;
  var money;
  try {
    money = new Intl.NumberFormat(document.documentElement.lang || "en", { style: "currency", currency: text.currency });
  } catch (error) {
    money = { format: function (amount) { return amount.toFixed(2) + " " + text.currency; } };
  }

  function seats() {
    return Array.prototype.slice.call(form.querySelectorAll("input[name='seat']"));
  }

  function priceInCents(box) {
    var zone = box.closest("[data-price]");
    return zone ? Math.round(parseFloat(zone.dataset.price) * 100) : 0;
  }

  function update() {
    var chosen = seats().filter(function (box) { return box.checked; });
    if (!chosen.length) {
      summary.textContent = text.textNone;
      return;
    }
    var cents = chosen.reduce(function (sum, box) { return sum + priceInCents(box); }, 0);
    var count = chosen.length === 1 ? text.textOne : text.textMany.replace("{count}", chosen.length);
    var line = count + " · " + (cents ? money.format(cents / 100) : text.textFree);
    if (chosen.length > maxSeats) {
      line += " — " + text.textTooMany;
    }
    summary.textContent = line;
    summary.classList.toggle("seat-summary__live--warning", chosen.length > maxSeats);
  }

  // Arrow keys: left/right along the row, up/down to the nearest seat of the row in front or behind.
  function enabledIn(row) {
    return Array.prototype.slice.call(row.querySelectorAll("input[name='seat']:not(:disabled)"));
  }

  function column(box) {
    var label = box.parentElement;
    return Array.prototype.indexOf.call(label.parentElement.children, label);
  }

  function neighbour(box, key) {
    var row = box.closest(".seat-row");
    if (key === "ArrowLeft" || key === "ArrowRight") {
      var inRow = enabledIn(row);
      return inRow[inRow.indexOf(box) + (key === "ArrowRight" ? 1 : -1)];
    }
    var rows = Array.prototype.slice.call(form.querySelectorAll(".seat-row"));
    var step = key === "ArrowDown" ? 1 : -1;
    var col = column(box);
    for (var index = rows.indexOf(row) + step; index >= 0 && index < rows.length; index += step) {
      var candidates = enabledIn(rows[index]);
      if (candidates.length) {
        return candidates.reduce(function (best, other) {
          return Math.abs(column(other) - col) < Math.abs(column(best) - col) ? other : best;
        });
      }
    }
    return undefined;
  }

  form.addEventListener("keydown", function (event) {
    var keys = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];
    if (event.target.name !== "seat" || keys.indexOf(event.key) === -1 || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var next = neighbour(event.target, event.key);
    event.preventDefault();
    if (next) {
      next.focus();
    }
  });

  // On a phone the plan is wider than the screen: start with its middle (the stage) in view.
  form.querySelectorAll(".seat-map__viewport").forEach(function (viewport) {
    viewport.scrollLeft = (viewport.scrollWidth - viewport.clientWidth) / 2;
  });

  form.addEventListener("change", function (event) {
    if (event.target.name === "seat") {
      update();
    }
  });
  update();
})();
