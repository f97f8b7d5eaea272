// The floor tablet's service worker. It makes /floor installable as an app
// and, when the network is gone, answers the page with a short notice that
// retries by itself instead of the browser's error page. Nothing private is
// cached: the floor is always loaded from the server.
"use strict";

var OFFLINE = "<!doctype html><html lang=en><meta charset=utf-8>" +
  "<meta name=viewport content='width=device-width,initial-scale=1'>" +
  "<meta http-equiv=refresh content=5><title>Floor offline</title>" +
  "<body style='font:20px/1.5 system-ui,sans-serif;margin:2rem;background:#fbeae8;color:#1d1b19'>" +
  "<h1 style='color:#a4221a'>&#9888; The floor is offline</h1>" +
  "<p>This tablet cannot reach the server, so new alerts cannot show. Check the Wi-Fi.</p>" +
  "<p>Trying again every few seconds&hellip;</p></body></html>";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (e) {
  if (e.request.mode !== "navigate") return; // everything else goes to the network as usual
  e.respondWith(fetch(e.request).catch(function () {
    return new Response(OFFLINE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }));
});
