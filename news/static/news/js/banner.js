// The banner's "×": the form posts on its own without script; with it, the banner goes at once
// and the dismissal is sent in the background (no page reload).
(function () {
  "use strict";
  var form = document.getElementById("banner-dismiss");
  if (!form || !window.fetch) {
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var banner = document.getElementById("admin_banner");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) {
      if (response.ok && banner) {
        banner.remove();
      } else {
        form.submit();
      }
    }, function () {
      form.submit();
    });
  });
})();
