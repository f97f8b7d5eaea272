// The survey with JavaScript: a pressed Send says "Sending…" and cannot be
// pressed twice (without it, the form's key already keeps a second press
// from making a second response). Back to the page, Send works again.
(function () {
  "use strict";
  var form = document.getElementById("survey");
  if (!form) return;
  var buttons = form.querySelectorAll("button[type=submit]"), sending = false;
  form.addEventListener("submit", function (e) {
    if (sending) return e.preventDefault();
    sending = true;
    buttons.forEach(function (b) {
      b.dataset.label = b.textContent;
      b.textContent = form.dataset.sending;
      b.disabled = true;
    });
  });
  addEventListener("pageshow", function () {
    sending = false;
    buttons.forEach(function (b) {
      if (b.dataset.label) b.textContent = b.dataset.label;
      b.disabled = false;
    });
  });
})();
