/* Draws a briefing's charts from the Vega-Lite specs in the page, with the vega bundle beside this file.
   Offline: the specs carry their data inline, and nothing is fetched from any host. */
(function () {
  "use strict";

  function draw() {
    if (typeof window.vegaEmbed !== "function") {
      return; // the bundle is missing: the charts keep their note, the tables carry the numbers
    }
    document.querySelectorAll('script[type="application/json"].vega-spec').forEach(function (node) {
      var target = document.getElementById(node.getAttribute("data-chart"));
      if (!target) {
        return;
      }
      var spec = JSON.parse(node.textContent);
      window.vegaEmbed(target, spec, { mode: "vega-lite", renderer: "svg", actions: false })
        .then(function () {
          target.classList.add("drawn");
          var note = target.querySelector(".chart-note");
          if (note) {
            note.remove();
          }
        })
        .catch(function (error) {
          console.error("chart " + target.id + " could not be drawn: " + error);
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
