// The offline page: lists the articles the reader's device kept (their "Ma liste"), read
// from the service worker's cache for that reader. Without it the page says how to read them.
(function () {
  "use strict";
  var section = document.querySelector("[data-offline-saved]");
  if (!section || !window.caches) return;
  var list = section.querySelector("ul");
  caches.keys().then(function (names) {
    var readers = names.filter(function (name) { return name.indexOf("ma-liste-") === 0; });
    return Promise.all(readers.map(function (name) {
      return caches.open(name).then(function (cache) { return cache.match("/__index__"); })
        .then(function (index) { return index ? index.json() : []; });
    }));
  }).then(function (lists) {
    lists.forEach(function (articles) {
      articles.forEach(function (article) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = article.url;
        link.textContent = article.title;
        link.lang = "fr";
        item.appendChild(link);
        list.appendChild(item);
      });
    });
    if (list.children.length) section.hidden = false;
  });
})();
