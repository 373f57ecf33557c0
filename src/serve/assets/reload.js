// laman serve: reloads this tab when the server rebuilt what it shows.
// Served from the preview's own origin (CSP script-src 'self'); never published.
(function () {
  "use strict";
  if (!window.EventSource) { return; }
  var source = new EventSource("/__laman/events");
  source.addEventListener("reload", function () {
    source.close();
    window.location.reload();
  });
  // After the server restarts, the stream reconnects by itself; the first
  // message then reloads the page.
}());
