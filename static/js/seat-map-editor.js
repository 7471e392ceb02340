// Seat map editor: arrow keys move between seats, and one Tab stop per section instead of one per seat.
// Progressive enhancement only: without it every seat is a plain button in a plain form.
(function () {
  "use strict";

  function seatsOf(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll("button.seat"));
  }

  function rowsOf(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll(".seat-row__seats")).map(function (row) {
      return Array.prototype.slice.call(row.querySelectorAll("button.seat"));
    });
  }

  // Keep exactly one seat of the grid in the Tab order: the focused one, else the first available.
  function roving(grid, current) {
    var seats = seatsOf(grid);
    if (!seats.length) {
      return;
    }
    var keep = current || seats.find(function (seat) { return seat === document.activeElement; }) ||
      seats.find(function (seat) { return !seat.disabled; }) || seats[0];
    seats.forEach(function (seat) {
      seat.tabIndex = seat === keep ? 0 : -1;
    });
  }

  function move(grid, seat, key) {
    var rows = rowsOf(grid);
    var r = rows.findIndex(function (row) { return row.indexOf(seat) !== -1; });
    if (r === -1) {
      return null;
    }
    var c = rows[r].indexOf(seat);
    if (key === "ArrowLeft") { c -= 1; }
    else if (key === "ArrowRight") { c += 1; }
    else if (key === "ArrowUp") { r -= 1; }
    else if (key === "ArrowDown") { r += 1; }
    else if (key === "Home") { c = 0; }
    else if (key === "End") { c = rows[r].length - 1; }
    else { return null; }
    if (r < 0 || r >= rows.length) {
      return null;
    }
    var row = rows[r];
    return row[Math.max(0, Math.min(c, row.length - 1))] || null;
  }

  function init(root) {
    root.querySelectorAll("[data-seat-grid]").forEach(function (grid) {
      if (grid.dataset.seatGridReady === "true") {
        roving(grid);
        return;
      }
      grid.dataset.seatGridReady = "true";
      roving(grid);
      grid.addEventListener("keydown", function (event) {
        var seat = event.target.closest("button.seat");
        if (!seat) {
          return;
        }
        var next = move(grid, seat, event.key);
        if (next) {
          event.preventDefault();
          roving(grid, next);
          next.focus();
        }
      });
      grid.addEventListener("focusin", function (event) {
        var seat = event.target.closest("button.seat");
        if (seat) {
          roving(grid, seat);
        }
      });
    });
  }

  // A map wider than the screen opens centred on the stage rather than at its left edge.
  function centre() {
    document.querySelectorAll(".seat-map--editor .seat-map__viewport").forEach(function (viewport) {
      viewport.scrollLeft = (viewport.scrollWidth - viewport.clientWidth) / 2;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    if (!window.location.hash) {
      centre();
    }
  });
  // htmx swapped a section: wire up its new grid; htmx itself puts focus back on the clicked seat's id.
  document.addEventListener("htmx:afterSettle", function () {
    init(document);
  });
})();
