// Share buttons, enhanced: "Copier le lien" copies instead of following the link, and the
// device's own share sheet (the Web Share API) is offered where the browser has one.
// Without JavaScript every link still works.
(function () {
  "use strict";
  document.querySelectorAll(".share").forEach(function (share) {
    var status = share.querySelector(".share__status");
    function say(text) {
      status.textContent = text;
      status.classList.remove("visually-hidden");
    }
    var copy = share.querySelector("[data-copy-link]");
    if (copy && navigator.clipboard) {
      copy.addEventListener("click", function (event) {
        event.preventDefault();
        navigator.clipboard.writeText(copy.href).then(function () { say(copy.dataset.copied); });
      });
    }
    var native = share.querySelector("[data-web-share]");
    if (native && navigator.share) {
      native.hidden = false;
      var button = native.querySelector("button");
      button.addEventListener("click", function () {
        navigator.share({ title: button.dataset.title, url: button.dataset.url }).catch(function () {});
      });
    }
  });
})();
