// "Sauvegarder", in place. The buttons are plain forms: without this script they post and
// come back (or lead an anonymous reader to sign in). List cards are cached for every
// reader, so for a signed-in reader this script asks the server (one small JSON, never
// cached) which of the page's articles are saved, and for the token to post with; it then
// hands the reader's list to the service worker, which keeps it for offline reading.
(function () {
  "use strict";
  var body = document.body;
  var reader = body.dataset.reader;
  var stateUrl = body.dataset.savedState;
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.save-form"));
  if (!reader || !stateUrl || !forms.length) return;

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  body.appendChild(status);

  var token = null;
  var ids = forms.map(function (form) { return form.dataset.article; })
    .filter(function (id, index, all) { return all.indexOf(id) === index; });

  function mark(form, saved) {
    var button = form.querySelector(".save-button");
    button.value = saved ? "remove" : "save";
    button.setAttribute("aria-pressed", saved ? "true" : "false");
    button.querySelector(".save-button__label").textContent = saved ? button.dataset.labelSaved : button.dataset.labelSave;
  }

  function tellWorker(state, refresh) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: "reader", reader: state.reader, articles: state.offline, refresh: refresh });
      }
    });
  }

  function load(refresh) {
    return fetch(stateUrl + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.reader) return;
        token = state.csrf;
        forms.forEach(function (form) { mark(form, state.saved.indexOf(Number(form.dataset.article)) !== -1); });
        tellWorker(state, refresh);
      });
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!token) return; // the state has not come: the form goes as it is
      event.preventDefault();
      var button = form.querySelector(".save-button");
      var data = new FormData();
      data.append("action", button.value);
      button.disabled = true;
      // Not `form.action`: the button named "action" shadows it.
      fetch(form.getAttribute("action"), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token },
        body: data,
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (response.ok) {
              forms.forEach(function (other) {
                if (other.dataset.article === form.dataset.article) mark(other, answer.saved);
              });
            }
            status.textContent = answer.message;
            return load(false);
          });
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  });

  // "Ma liste" itself refreshes every offline copy; other pages fetch only the missing ones.
  load(Boolean(document.querySelector(".saved-list")));
})();
