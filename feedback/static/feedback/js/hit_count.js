// Counts a hit once the work page has loaded in a browser: crawlers that don't run scripts
// never count. The server counts each visitor at most once a day.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) {
    return;
  }
  window.fetch(script.dataset.url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": script.dataset.csrf },
  }).catch(function () {});
})();
