/* The causal explorer (causal/report/explorer.py has the formulas and their sources).
   Self-contained: no network, no library; reads its data from the JSON block beside it. */
(function () {
  "use strict";
  function pair(x, y) { return x * y / (x + y - 1); }
  function fmt(v) { return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : "n/a"; }
  function slider(name, label, min, max, step, value, note) {
    return '<label class="cx-row"><span class="cx-name">' + label + '</span>' +
      '<input type="range" name="' + name + '" min="' + min + '" max="' + max +
      '" step="' + step + '" value="' + value + '">' +
      '<output data-for="' + name + '">' + value + '</output>' +
      (note ? '<span class="cx-note">' + note + '</span>' : '') + '</label>';
  }
  function build(box) {
    var data = JSON.parse(box.querySelector(".causal-explorer-data").textContent);
    var ui = document.createElement("div");
    var ci = data.rr_ci ? " (CI " + fmt(data.rr_ci[0]) + " to " + fmt(data.rr_ci[1]) + ")" : "";
    ui.innerHTML =
      '<h3 class="cx-title">Explorer: try an unmeasured confounder and a selection mechanism</h3>' +
      '<p class="cx-lead"></p>' +
      '<fieldset><legend>Confounding</legend>' +
      '<label><input type="radio" name="mode" value="bf" checked> by its two associations ' +
      '(bounding factor)</label> <label><input type="radio" name="mode" value="prev"> by ' +
      'prevalences of a binary confounder</label>' +
      '<div class="cx-bf">' +
      slider("rr_eu", "RR<sub>EU</sub> treatment–confounder", 1, 10, 0.01, 1,
             "largest prevalence ratio of the confounder, treated vs untreated") +
      '</div><div class="cx-prev" hidden>' +
      slider("p1", "prevalence among the treated", 0, 1, 0.01, 0.5) +
      slider("p0", "prevalence among the untreated", 0, 1, 0.01, 0.5) +
      '</div>' +
      slider("rr_ud", "RR<sub>UD</sub> confounder–outcome", 1, 10, 0.01, 1,
             "risk ratio of the outcome for the confounder, within treatment groups") +
      '</fieldset><fieldset><legend>Selection (general target; same in both groups)</legend>' +
      slider("rr_uy_s", "RR<sub>UY|S</sub> factor–outcome", 1, 5, 0.01, 1) +
      slider("rr_su", "RR<sub>SU</sub> selection–factor", 1, 5, 0.01, 1) +
      '</fieldset>' +
      '<p class="cx-result">Bias factor <strong data-out="bound">1</strong>; bias-adjusted ' +
      'estimate (risk-ratio scale) <strong data-out="point"></strong>' +
      (data.rr_ci ? ', CI <strong data-out="lower"></strong> to <strong data-out="upper">' +
       '</strong>' : '') + ' <span data-out="verdict"></span></p>' +
      '<p class="cx-note">Estimate: ' + "" + '</p>';
    box.appendChild(ui);
    ui.querySelector(".cx-lead").textContent = data.label + ": " + data.measure +
      "; on the risk-ratio scale " + fmt(data.rr_point) + ci + " (" + data.conversion +
      "). E-value " + fmt(data.evalue_point) +
      (data.evalue_ci !== null ? " (CI limit " + fmt(data.evalue_ci) + ")" : "") + ".";
    ui.querySelector(".cx-note:last-child").textContent = "Where the numbers come from: " +
      data.provenance + ". Formulas: Ding & VanderWeele 2016; Schlesselman 1978; " +
      "Smith & VanderWeele 2019.";
    function value(name) { return parseFloat(ui.querySelector('input[name="' + name + '"]').value); }
    function update() {
      ui.querySelectorAll("output[data-for]").forEach(function (o) {
        o.textContent = ui.querySelector('input[name="' + o.dataset.for + '"]').value;
      });
      var prev = ui.querySelector('input[name="mode"]:checked').value === "prev";
      ui.querySelector(".cx-bf").hidden = prev;
      ui.querySelector(".cx-prev").hidden = !prev;
      var rrud = value("rr_ud");
      var conf = prev ? (rrud * value("p1") + 1 - value("p1")) / (rrud * value("p0") + 1 - value("p0"))
                      : pair(value("rr_eu"), rrud);
      var bound = conf * Math.pow(pair(value("rr_uy_s"), value("rr_su")), 2);
      var shift = data.rr_point >= 1 ? function (v) { return v / bound; }
                                     : function (v) { return v * bound; };
      var out = { bound: bound, point: shift(data.rr_point) };
      if (data.rr_ci) { out.lower = shift(data.rr_ci[0]); out.upper = shift(data.rr_ci[1]); }
      Object.keys(out).forEach(function (k) {
        var el = ui.querySelector('[data-out="' + k + '"]');
        if (el) { el.textContent = fmt(out[k]); el.dataset.value = String(out[k]); }
      });
      var verdict = "";
      if (data.rr_ci) {
        verdict = (out.lower <= 1 && 1 <= out.upper) ? "— the interval now includes 1."
                                                     : "— the interval still excludes 1.";
      }
      ui.querySelector('[data-out="verdict"]').textContent = verdict;
    }
    ui.addEventListener("input", update);
    ui.addEventListener("change", update);
    update();
  }
  function start() {
    document.querySelectorAll(".causal-explorer").forEach(function (box) {
      if (!box.dataset.ready) { box.dataset.ready = "1"; build(box); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
