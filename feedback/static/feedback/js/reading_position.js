// "Continue reading": tells the archive how far into this chapter the reader has got (in
// thousandths of the chapter), every few seconds while they scroll and when they leave, and
// brings them back to that place when they arrive with ?resume=N. Without it, nothing is lost
// but the place: the history still knows the chapter.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.url;
  var csrf = script && script.dataset.csrf;
  var chapters = document.getElementById("chapters");
  if (!url || !chapters) return;

  function position() {
    var box = chapters.getBoundingClientRect();
    var height = Math.max(box.height, 1);
    // The line a third of the way down the window is where the reader's eyes are.
    var read = window.innerHeight / 3 - box.top;
    return Math.round(Math.min(Math.max(read / height, 0), 1) * 1000);
  }

  // The place as the page opened: a page left unscrolled has nothing new to tell.
  var sent = position();
  function send() {
    var now = position();
    if (now === sent) return;
    sent = now;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("position", String(now));
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, body))) {
      fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true });
    }
  }

  var resume = new URLSearchParams(window.location.search).get("resume");
  if (resume && /^\d{1,4}$/.test(resume)) {
    var target = Math.min(Number(resume), 1000) / 1000;
    var box = chapters.getBoundingClientRect();
    window.scrollTo(0, window.scrollY + box.top + box.height * target - window.innerHeight / 3);
    sent = position();
  }

  var timer = null;
  window.addEventListener("scroll", function () {
    if (timer === null) {
      timer = window.setTimeout(function () { timer = null; send(); }, 3000);
    }
  }, { passive: true });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send();
  });
  window.addEventListener("pagehide", send);
})();
