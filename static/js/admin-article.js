// The editor's side panel: the body rendered as readers will see it, with word count and
// reading time, refreshed as the editor types. Without JavaScript, "Aperçu sur le site" does it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var config = document.getElementById("markdown-preview-config");
    var body = document.getElementById("id_body");
    if (!config || !body) return;
    var panel = document.createElement("div");
    panel.className = "markdown-preview";
    panel.setAttribute("aria-live", "polite");
    var stats = document.createElement("p");
    stats.className = "help";
    body.insertAdjacentElement("afterend", panel);
    panel.insertAdjacentElement("beforebegin", stats);
    var token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    var timer = null;
    function refresh() {
      var data = new FormData();
      data.append("body", body.value);
      fetch(config.dataset.url, { method: "POST", body: data, headers: { "X-CSRFToken": token }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          if (!result) return;
          panel.innerHTML = result.html;  // sanitized by the server (nh3)
          stats.textContent = result.words + " " + config.dataset.wordsLabel + " · " + result.minutes + " " + config.dataset.minutesLabel;
          if (result.errors) stats.textContent += " · " + result.errors.join(" ");
        });
    }
    body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 400); });
    refresh();
  });
})();
