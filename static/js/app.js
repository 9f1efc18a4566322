// Behaviour that would otherwise be inline (the Content-Security-Policy allows no inline script):
// elements opt in through data- attributes.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  // <select data-roles-from="id_role">: show only the options whose data-roles lists the chosen role.
  function filterByRole(target) {
    var source = document.getElementById(target.getAttribute("data-roles-from"));
    if (!source) return;
    var role = source.value;
    Array.prototype.forEach.call(target.options, function (option) {
      var roles = option.getAttribute("data-roles");
      var fits = roles === null || !role || roles.split(" ").indexOf(role) >= 0;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) target.value = "";
    });
  }
  function filterAll() {
    document.querySelectorAll("select[data-roles-from]").forEach(filterByRole);
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.id) {
      document.querySelectorAll('select[data-roles-from="' + el.id + '"]').forEach(filterByRole);
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", filterAll);
  } else {
    filterAll();
  }
})();
