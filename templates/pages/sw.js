// Newsreader's service worker (served by pages/app.py at the site's root).
//
// What it keeps, and for whom:
// - the offline page (fetched without cookies: the same anonymous page for everyone) and
//   the site's styles, scripts and icons, in "newsreader-static-<version>";
// - the articles of one signed-in reader's "Ma liste", in "ma-liste-<key>", where the key
//   is an opaque one the server gives that reader (never their e-mail). Each copy is what
//   the server answered that reader, with their cookies: a reader not entitled to a gated
//   piece keeps its teaser, never its text. The pages tell the worker who is reading;
//   any other reader's list is deleted at once, and an anonymous page deletes them all.
// Nothing else is ever stored: no other page, no POST, no admin or account page.
"use strict";

const CONFIG = {{ config|safe }};
const STATIC_CACHE = "newsreader-static-" + CONFIG.version;
const READER_PREFIX = "ma-liste-";
const META_CACHE = "newsreader-reader";
const READER_KEY = "/__reader__";
const INDEX_KEY = "/__index__";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(CONFIG.assets);
    const offline = await fetch(CONFIG.offline, { credentials: "omit", cache: "no-store" });
    if (offline.ok) await cache.put(CONFIG.offline, offline);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("newsreader-static-") && name !== STATIC_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function currentReader() {
  const meta = await caches.open(META_CACHE);
  const stored = await meta.match(READER_KEY);
  return stored ? stored.text() : "";
}

async function forgetOtherReaders(reader) {
  for (const name of await caches.keys()) {
    if (name.startsWith(READER_PREFIX) && name !== READER_PREFIX + reader) await caches.delete(name);
  }
  const meta = await caches.open(META_CACHE);
  await meta.put(READER_KEY, new Response(reader || ""));
}

// The reader's list as the server gave it: copies of pieces no longer in it are dropped,
// new ones fetched (as a prefetch, so no free article is spent and no read counted).
async function keepList(reader, articles, refresh) {
  const cache = await caches.open(READER_PREFIX + reader);
  const wanted = new Set(articles.map((article) => article.url));
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path !== INDEX_KEY && !wanted.has(path)) await cache.delete(request);
  }
  const kept = [];
  for (const article of articles) {
    let copy = refresh ? undefined : await cache.match(article.url);
    if (!copy) {
      try {
        const response = await fetch(article.url, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Purpose: "prefetch" },
        });
        // Kept only if the page was rendered for this very reader (it names their key):
        // should someone else have signed in meanwhile, their page is not kept for this one.
        const rendered = response.ok && !response.redirected && response.type === "basic";
        if (rendered && (await response.clone().text()).includes(`data-reader="${reader}"`)) {
          await cache.put(article.url, response);
          copy = true;
        }
      } catch (error) {
        // Offline or refused: the copy already kept, if any, stays.
      }
    }
    if (copy) kept.push(article);
  }
  await cache.put(INDEX_KEY, new Response(JSON.stringify(kept), { headers: { "Content-Type": "application/json" } }));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "reader") return;
  const reader = typeof data.reader === "string" && /^[0-9a-f]{32}$/.test(data.reader) ? data.reader : "";
  event.waitUntil((async () => {
    await forgetOtherReaders(reader);
    if (reader && Array.isArray(data.articles)) await keepList(reader, data.articles, Boolean(data.refresh));
    if (event.source && event.source.postMessage) event.source.postMessage({ type: "kept", reader: reader });
  })());
});

function isOneOf(path, prefixes) {
  return prefixes.some((prefix) => path.startsWith(prefix));
}

// Pages: the network first; offline, the reader's saved copy of an article, or the offline page.
async function page(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const reader = await currentReader();
    if (reader && isOneOf(url.pathname, CONFIG.articles) && (await caches.has(READER_PREFIX + reader))) {
      const cache = await caches.open(READER_PREFIX + reader);
      const saved = await cache.match(url.pathname);
      if (saved) return saved;
    }
    const offline = await caches.match(CONFIG.offline, { cacheName: STATIC_CACHE });
    return offline || Response.error();
  }
}

// Styles, scripts, icons: the network first too (the browser's own cache makes it cheap),
// the copy kept at installation when offline.
async function asset(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await caches.match(request, { cacheName: STATIC_CACHE });
    return kept || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isOneOf(url.pathname, CONFIG.never)) return;
  if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  }
});
