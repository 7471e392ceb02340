// The "Dynamic pricing" part of the ticket type form (events/dashboard/_pricing_fields.html). Progressive
// enhancement only: without it every field shows, two empty rule rows are always there, and a row set to
// "— no rule —" is removed on save.
(function () {
  "use strict";

  var THRESHOLD_KINDS = ["sell_through", "last_minute", "demand"];

  function fieldsOf(row) {
    return {
      kind: row.querySelector("select[name$='-kind']"),
      threshold: row.querySelector("[data-rule-threshold]"),
      until: row.querySelector("[data-rule-until]"),
      unit: row.querySelector("[data-rule-unit]"),
      change: row.querySelector("[data-rule-change]"),
    };
  }

  // Show only what the row's kind needs: a threshold (with its unit) or the early-bird date.
  function syncRow(row) {
    var fields = fieldsOf(row);
    if (!fields.kind) {
      return;
    }
    var kind = fields.kind.value;
    fields.threshold.hidden = THRESHOLD_KINDS.indexOf(kind) === -1;
    fields.until.hidden = kind !== "early_bird";
    if (fields.change) {
      fields.change.hidden = kind === "";
    }
    if (fields.unit && fields.unit.getAttribute("data-unit-" + kind)) {
      fields.unit.textContent = fields.unit.getAttribute("data-unit-" + kind);
    }
  }

  function notifyChange(element) {
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function removeRow(row) {
    row.querySelectorAll("input, select").forEach(function (input) {
      if (input.tagName === "SELECT" && input.name.slice(-5) === "-kind") {
        input.value = "";
      } else if (input.type !== "hidden" && input.tagName !== "SELECT") {
        input.value = "";
      }
    });
    row.hidden = true;
    notifyChange(row.closest("form") || row);
  }

  function setUp(fieldset) {
    if (fieldset.dataset.ready === "true") {
      return;
    }
    fieldset.dataset.ready = "true";
    var toggle = fieldset.querySelector("input[name='dynamic_pricing']");
    var body = fieldset.querySelector("[data-pricing-body]");
    var rows = fieldset.querySelector("[data-rule-rows]");
    var template = fieldset.querySelector("template[data-rule-template]");
    var add = fieldset.querySelector("[data-rule-add]");
    var total = fieldset.querySelector("input[name$='-TOTAL_FORMS']");

    function syncBody() {
      if (toggle && body) {
        body.hidden = !toggle.checked;
      }
    }
    function syncAdd() {
      if (add && total) {
        add.hidden = parseInt(total.value, 10) >= parseInt(add.dataset.ruleMax, 10);
      }
    }

    if (toggle) {
      toggle.addEventListener("change", syncBody);
    }
    syncBody();
    // The spare empty rows are for browsers without this script; "Add a rule" replaces them here. One empty
    // row stays when there is no rule yet, so there is something to start from.
    var spare = [];
    var filled = 0;
    rows.querySelectorAll("[data-rule-row]").forEach(function (row) {
      syncRow(row);
      var kind = row.querySelector("select[name$='-kind']");
      var value = row.querySelector("input[name$='-value']");
      if (kind && !kind.value && value && !value.value && !row.querySelector(".is-invalid")) {
        spare.push(row);
      } else {
        filled += 1;
      }
    });
    // Removed, not hidden: a missing row posts nothing, which the formset reads as an empty row.
    spare.slice(filled ? 0 : 1).forEach(function (row) {
      row.remove();
    });
    rows.addEventListener("change", function (event) {
      var row = event.target.closest("[data-rule-row]");
      if (row) {
        syncRow(row);
      }
    });
    rows.addEventListener("click", function (event) {
      var button = event.target.closest("[data-rule-remove]");
      if (button) {
        removeRow(button.closest("[data-rule-row]"));
      }
    });
    rows.querySelectorAll("[data-rule-remove]").forEach(function (button) {
      button.hidden = false;
    });
    if (add && template && total) {
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var holder = document.createElement("ol");
        holder.innerHTML = template.innerHTML
          .replace(/__prefix__/g, String(index))
          .replace(/__number__/g, String(rows.querySelectorAll("[data-rule-row]:not([hidden])").length + 1));
        var row = holder.querySelector("[data-rule-row]");
        row.querySelectorAll("[data-rule-remove]").forEach(function (button) {
          button.hidden = false;
        });
        rows.appendChild(row);
        total.value = String(index + 1);
        syncRow(row);
        syncAdd();
        var first = row.querySelector("select");
        if (first) {
          first.focus();
        }
      });
      syncAdd();
    }
  }

  function init(root) {
    (root || document).querySelectorAll("[data-pricing-fields]").forEach(setUp);
  }

  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(function (element) {
      init(element.querySelectorAll ? element : document);
      if (element.matches && element.matches("[data-pricing-fields]")) {
        setUp(element);
      }
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  }
})();
