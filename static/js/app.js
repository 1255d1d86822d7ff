// The installable app: registers the service worker (/sw.js), tells it who is reading
// (an opaque key on signed-in pages, none on anonymous ones, which makes it delete every
// reader's offline list), deletes the reader's offline copies when they sign out, and
// offers "Installer l'application" where the browser can install the site.
// Without JavaScript the site is the same site, without the offline copies.
(function () {
  "use strict";
  var READER_PREFIX = "ma-liste-";
  var reader = document.body.dataset.reader || null;
  // The offline page is the worker's anonymous copy, shown to whoever is reading: it says
  // nothing of who is signed in, so it must not make the worker forget the reader's list.
  var speaks = !document.querySelector("[data-offline-saved]");

  function forgetReaders() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(READER_PREFIX) === 0; })
        .map(function (name) { return caches.delete(name); }));
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
    // Only the reader's key here; saved.js sends their list when the page has one to send.
    if (speaks && (!document.querySelector("form.save-form") || !reader)) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) registration.active.postMessage({ type: "reader", reader: reader });
      });
    }
  }
  if (speaks && !reader) forgetReaders();

  // Signing out: the reader's copies are deleted as the form leaves (the form is not held
  // back for it), the response's Clear-Site-Data header does the same where the browser
  // honours it, and the anonymous page the reader lands on deletes whatever is left.
  document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
    form.addEventListener("submit", function () { forgetReaders(); });
  });

  // "Installer l'application": offered where the browser says it can install the site.
  var install = document.querySelector("[data-install]");
  if (install) {
    var button = install.querySelector("button");
    var prompt = null;
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault();
      prompt = event;
      install.hidden = false;
    });
    button.addEventListener("click", function () {
      if (!prompt) return;
      prompt.prompt();
      prompt.userChoice.finally(function () { prompt = null; install.hidden = true; });
    });
    window.addEventListener("appinstalled", function () { install.hidden = true; });
  }
})();
