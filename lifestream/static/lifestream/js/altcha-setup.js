// The guests' proof of work: the vendored ALTCHA widget comes without its workers (so it
// starts none from a blob: address, which the archive's Content-Security-Policy refuses);
// this gives it the SHA-256 worker served from the archive's own static files.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-worker");
  if (!url || !window.$altcha || !window.$altcha.algorithms) {
    return;
  }
  window.$altcha.algorithms.set("SHA-256", function () {
    return new Worker(url);
  });
})();
