// Follows the diner's alert live, in words that are always true: "A manager
// has been told" → "Sam is on the way" → "Sam has taken care of it". The
// stream ends once the alert is resolved. If the stream cannot be opened (the
// server is busy), the page reloads now and then instead, as it does without
// JavaScript.
(function () {
  "use strict";
  var box = document.getElementById("alert-state");
  if (!box || !window.EventSource) return;
  var text = document.getElementById("alert-text");
  var src = new EventSource(box.dataset.events);
  src.addEventListener("state", function (e) {
    var s = JSON.parse(e.data);
    box.dataset.state = s.state;
    text.textContent = s.text;
    if (s.state === "resolved") src.close();
  });
  src.onerror = function () {
    if (src.readyState === EventSource.CLOSED && box.dataset.state !== "resolved") {
      setTimeout(function () { location.reload(); }, 30000);
    }
  };
})();
