// Conveniences for the intake pages; the pages work without this file.
// Checks use the server's own messages, so both say the same thing. The page hands them
// over as JSON in <script type="application/json" id="qi-page-data"> (never executed, so
// the Content-Security-Policy can forbid inline scripts).
(function () {
  "use strict";
  var dataBlock = document.getElementById("qi-page-data");
  var PAGE = dataBlock ? JSON.parse(dataBlock.textContent) : {};
  var M = PAGE.messages || {};
  var USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

  function say(key, params) {
    var text = M[key] || key;
    Object.keys(params || {}).forEach(function (name) { text = text.split("{" + name + "}").join(params[name]); });
    return text;
  }

  function usccProblem(value) {
    var code = value.replace(/\s+/g, "").toUpperCase();
    if (code.length !== 18) return "uscc_length";
    for (var i = 0; i < 18; i++) if (USCC.indexOf(code[i]) < 0) return "uscc_charset";
    var sum = 0;
    for (var j = 0; j < 17; j++) sum += USCC.indexOf(code[j]) * WEIGHTS[j];
    return USCC[(31 - (sum % 31)) % 31] === code[17] ? null : "uscc_check";
  }

  function problemOf(input) {
    var value = input.type === "checkbox" ? (input.checked ? "on" : "") : input.value.trim();
    if (!value) return input.hasAttribute("data-required") ? ["required"] : null;
    var max = input.getAttribute("data-max-length");
    if (max && value.length > +max) return ["too_long", { max: max }];
    if (input.hasAttribute("data-integer")) {
      if (!/^-?\d+$/.test(value)) return ["not_integer"];
      var lo = +input.getAttribute("data-min"), hi = +input.getAttribute("data-max");
      if (+value < lo || +value > hi) return ["range", { min: lo, max: hi }];
    }
    var check = input.getAttribute("data-check");
    if (check === "uscc") { var p = usccProblem(value); if (p) return [p]; }
    if (check === "mobile" && !/^1[3-9]\d{9}$/.test(mobileDigits(value))) return ["mobile_phone"];
    return null;
  }

  // As the server reads a mobile (gateway/domain/phones.py): full-width digits, spaces,
  // hyphens and a +86 / 0086 prefix are how people type it, not a mistake.
  function mobileDigits(value) {
    var compact = (value.normalize ? value.normalize("NFKC") : value).replace(/[\s\-.()（）]/g, "");
    var prefixes = ["+86", "0086", "86"];
    for (var i = 0; i < prefixes.length; i++) {
      if (compact.indexOf(prefixes[i]) === 0 && compact.length - prefixes[i].length === 11) {
        return compact.slice(prefixes[i].length);
      }
    }
    return compact;
  }

  function show(input) {
    var problem = problemOf(input);
    var field = input.closest(".field");
    var slot = document.getElementById(input.name + "-error");
    if (slot) slot.textContent = problem ? say(problem[0], problem[1]) : "";
    if (field) field.classList.toggle("invalid", !!problem);
    if (problem) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    return !problem;
  }

  function renumber(group) {
    var base = group.getAttribute("data-group");
    group.querySelectorAll(".row").forEach(function (row, index) {
      row.setAttribute("data-row", index);
      var title = row.querySelector(".row-title");
      if (title) title.textContent = (PAGE.row_text || "{number}").replace("{number}", index + 1);
      row.querySelectorAll("[name]").forEach(function (input) {
        var rest = input.name.slice(base.length + 1).replace(/^\d+/, "");
        var name = base + "." + index + rest;
        var slot = document.getElementById(input.name + "-error");
        var help = document.getElementById(input.name + "-help");
        var label = row.querySelector('label[for="' + input.id + '"]');
        if (slot) { slot.id = name + "-error"; slot.setAttribute("data-for", name); }
        if (help) help.id = name + "-help";
        if (label) label.setAttribute("for", name);
        input.name = name; input.id = name;
        input.setAttribute("aria-describedby", name + "-error" + (help ? " " + name + "-help" : ""));
      });
    });
  }

  function addRemoveButton(group, row) {
    var head = row.querySelector(".row-head");
    if (!head || head.querySelector("button")) return;
    var button = document.createElement("button");
    button.type = "button"; button.className = "link remove-row";
    button.textContent = PAGE.remove_text || "×";
    button.addEventListener("click", function () {
      if (group.querySelectorAll(".row").length > 1) { row.remove(); renumber(group); }
    });
    head.appendChild(button);
  }

  function setUpGroup(group) {
    group.querySelectorAll(".row").forEach(function (row) { addRemoveButton(group, row); });
    var add = group.querySelector(".add-row");
    if (!add) return;
    add.type = "button";
    add.addEventListener("click", function () {
      var rows = group.querySelectorAll(".row");
      if (rows.length >= +(group.getAttribute("data-max-items") || 100)) return;
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.type === "checkbox") input.checked = false; else input.value = "";
      });
      copy.querySelectorAll(".error").forEach(function (slot) { slot.textContent = ""; });
      copy.querySelectorAll(".invalid").forEach(function (field) { field.classList.remove("invalid"); });
      add.parentNode.insertBefore(copy, add);
      copy.querySelector(".remove-row") && copy.querySelector(".remove-row").remove();
      addRemoveButton(group, copy);
      renumber(group);
      var first = copy.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  }

  var form = document.getElementById("apply-form");
  if (form) {
    form.querySelectorAll("fieldset.group").forEach(setUpGroup);
    // A field is checked when it is left; once marked wrong, it is re-checked as it is
    // typed in, so the message goes away while typing, not as the user clicks "submit"
    // (which would move the button under the pointer).
    form.addEventListener("focusout", function (event) {
      if (event.target.matches("input, select, textarea")) show(event.target);
    });
    form.addEventListener("input", function (event) {
      var field = event.target.closest(".field");
      if (field && field.classList.contains("invalid")) show(event.target);
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.value && submitter.value.indexOf("add:") === 0) return;
      var firstBad = null;
      form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
        if (input.type === "hidden") return;
        if (!show(input) && !firstBad) firstBad = input;
      });
      if (firstBad) { event.preventDefault(); firstBad.focus(); }
    });
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  var chooser = document.getElementById("choose-items");
  if (chooser) {
    var counter = document.getElementById("chosen-count");
    var update = function () {
      var count = chooser.querySelectorAll('input[name="items"]:checked').length;
      counter.textContent = count ? (PAGE.chosen_text || "{count}").replace("{count}", count) : "";
    };
    chooser.addEventListener("change", update);
    chooser.addEventListener("submit", function (event) {
      if (!chooser.querySelector('input[name="items"]:checked')) {
        event.preventDefault();
        counter.textContent = say("required");
      }
    });
    update();
  }
})();
