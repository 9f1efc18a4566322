// The fill page (reporting/fill.html): projects are <details data-fill-project>; the one named in the address
// (#p<id>) opens, and the buttons data-details-toggle="open|close" open or close them all.
(function () {
  "use strict";
  function openTarget() {
    if (!window.location.hash) return;
    var section = document.getElementById(window.location.hash.slice(1));
    var details = section ? section.querySelector("details[data-fill-project]") : null;
    if (details) details.open = true;
  }
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-details-toggle]") : null;
    if (!button) return;
    var open = button.getAttribute("data-details-toggle") === "open";
    document.querySelectorAll("details[data-fill-project]").forEach(function (details) {
      details.open = open;
    });
  });
  // a field the browser refuses or a button pressed inside a closed project: open it first
  document.addEventListener(
    "invalid",
    function (event) {
      var details = event.target instanceof Element ? event.target.closest("details") : null;
      if (details) details.open = true;
    },
    true
  );
  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openTarget);
  } else {
    openTarget();
  }
})();
