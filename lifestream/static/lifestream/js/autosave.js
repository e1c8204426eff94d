// Autosave for the posting and chapter forms. Every few seconds, if anything changed, the form
// is sent to the autosave address (never posting it); "Saved at 12:03" says when it last was.
// Each change is also kept in this browser (localStorage), so the text survives a closed
// window or a server that can't be reached, and is offered back when it differs from the page.
(function () {
  "use strict";

  var SKIP = { csrfmiddlewaretoken: 1, autosave_form: 1, work_id: 1, chapter_id: 1,
    autosave_id: 1, autosave_version: 1, autosave_base: 1, autosave_token: 1 };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()); }

  function values(form) {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      if (SKIP[name] || typeof value !== "string") { return; }
      (out[name] = out[name] || []).push(value);
    });
    return out;
  }

  // Field by field, in any order; a single value and a list of one are the same.
  function same(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) {
      var x = [].concat(a[name] === undefined ? [] : a[name]);
      var y = [].concat(b[name] === undefined ? [] : b[name]);
      return JSON.stringify(x) === JSON.stringify(y);
    });
  }

  function fill(form, saved) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "submit" || el.type === "button") { return; }
      var list = saved[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = list.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) !== -1; });
      } else {
        var value = list.length ? list[0] : "";
        if (el.value === value) { return; }
        el.value = value;
        // Whatever shows this field another way (the rich-text editor) hears of it as of typing.
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  }

  function start(box) {
    var form = box.closest("form");
    if (!form || !window.fetch) { return; }
    var key = box.getAttribute("data-storage-key");
    var url = box.getAttribute("data-url");
    var every = (parseInt(box.getAttribute("data-interval"), 10) || 5) * 1000;
    var status = box.querySelector(".autosave-status");
    var hidden = function (name) { return form.querySelector("input[name=" + name + "]"); };
    var sent = JSON.stringify(values(form));
    var busy = false;
    var stopped = false;
    var waitUntil = 0;

    function say(text) { status.textContent = text; }

    function keepLocal() {
      try {
        localStorage.setItem(key, JSON.stringify({ fields: values(form), at: Date.now() }));
      } catch (e) { /* storage full or off: the server copy still works */ }
    }

    // A copy from this browser that the page doesn't show: offer it back.
    var local = null;
    try { local = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { local = null; }
    // The server's autosave offered above the form, when it holds this very text.
    var offeredEl = document.getElementById("autosave-offered");
    var offered = offeredEl ? JSON.parse(offeredEl.textContent) : null;
    if (local && local.fields && !same(local.fields, values(form)) &&
        !(offered && same(local.fields, offered))) {
      var offer = box.querySelector(".autosave-local");
      offer.querySelector(".autosave-local-message").textContent =
        window.LifestreamMessages.say("local_copy", {
          when: new Date(local.at).toLocaleDateString() + " " + clock(new Date(local.at))
        });
      offer.hidden = false;
      offer.querySelector(".autosave-local-restore").addEventListener("click", function () {
        fill(form, local.fields);
        offer.hidden = true;
        keepLocal();
      });
      offer.querySelector(".autosave-local-dismiss").addEventListener("click", function () {
        offer.hidden = true;
      });
    }

    var localTimer = null;
    function changed() {
      clearTimeout(localTimer);
      localTimer = setTimeout(keepLocal, 300);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { clearTimeout(localTimer); keepLocal(); });

    function save() {
      if (busy || stopped || Date.now() < waitUntil) { return; }
      var now = JSON.stringify(values(form));
      if (now === sent) { return; }
      busy = true;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { response: response, body: body }; },
          function () { return { response: response, body: {} }; });
      }).then(function (answer) {
        var body = answer.body, response = answer.response;
        if (response.ok) {
          sent = now;
          if (body.base !== undefined) { hidden("autosave_base").value = body.base; }
          hidden("autosave_version").value = body.version;
          var was = hidden("autosave_form").value;
          if (body.form !== was || String(body.id) !== hidden("autosave_id").value) {
            // The first save of a new work made its one draft (or autosave): the form edits
            // that from now on, and its address says so.
            hidden("autosave_form").value = body.form;
            hidden("autosave_id").value = body.id;
            if (body.work_id) { hidden("work_id").value = body.work_id; }
            if (body.form !== was) {
              try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
              key = key.replace(/:[a-z_]+:[^:]*$/, ":" + body.form + ":" + body.work_id);
              keepLocal();
            }
            if (window.history && history.replaceState) {
              history.replaceState(history.state, "", body.url);
            }
          }
          say(window.LifestreamMessages.say("saved_at", { time: clock(new Date(body.saved_at)) }));
          return;
        }
        var error = (body.errors && body.errors[0]) || {};
        var message = error.message || (body.errors && body.errors.auth_error && body.errors.auth_error[0]) ||
          window.LifestreamMessages.say("not_saved_status", { status: response.status });
        if (response.status === 429) {
          waitUntil = Date.now() + (parseInt(response.headers.get("Retry-After"), 10) || 60) * 1000;
        } else if (response.status === 404 && error.code === "discarded") {
          hidden("autosave_id").value = "";
          hidden("autosave_version").value = "0";
        } else {
          stopped = response.status !== 413;
          if (response.status === 413) { sent = now; }
        }
        say(message);
      }).catch(function () {
        say(window.LifestreamMessages.say("not_saved_offline"));
      }).then(function () { busy = false; });
    }

    setInterval(save, every);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".autosave[data-url]"), start);
})();
