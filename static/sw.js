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

// A push is a call for help: show it with the table and the reason, keep an
// urgent one on screen until it is dealt with, and replace an alert's older
// notification (same tag) rather than pile them up.
self.addEventListener("push", function (e) {
  var m = {};
  try { m = e.data ? e.data.json() : {}; } catch (err) { m = { title: "Tableside", body: e.data ? e.data.text() : "" }; }
  e.waitUntil(self.registration.showNotification(m.title || "Tableside: a guest needs you", {
    body: m.body || "",
    tag: m.tag || undefined,
    renotify: !!m.tag,
    requireInteraction: !!m.urgent,
    icon: m.icon || undefined,
    data: { url: m.url || "/floor" }
  }));
});

// A tap opens the floor on that alert: an open floor tab is brought forward
// and moved there, or a new one opened.
self.addEventListener("notificationclick", function (e) {
  e.notification.close();
  var url = new URL((e.notification.data && e.notification.data.url) || "/floor", self.location.origin);
  if (url.origin !== self.location.origin) url = new URL("/floor", self.location.origin);
  e.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    var floor = list.find(function (c) { return new URL(c.url).pathname === "/floor"; });
    if (floor) return floor.focus().then(function (c) { return (c || floor).navigate(url.href); });
    return self.clients.openWindow(url.href);
  }));
});
