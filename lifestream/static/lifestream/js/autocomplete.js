// Tag autocomplete for comma-separated tag inputs (input[data-autocomplete=KIND]).
// Suggests for the tag being typed (the text after the last comma); choosing one replaces it.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.dataset.url;
  if (!endpoint) return;

  function lastSegment(value) {
    var parts = value.split(/[,，、]/);
    return parts[parts.length - 1].trim();
  }

  function replaceLast(value, name) {
    var index = Math.max(value.lastIndexOf(","), value.lastIndexOf("，"), value.lastIndexOf("、"));
    var head = index >= 0 ? value.slice(0, index + 1) + " " : "";
    return head + name + ", ";
  }

  function attach(input) {
    var list = document.createElement("ul");
    list.className = "autocomplete";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-autocomplete", "list");
    input.insertAdjacentElement("afterend", list);
    var timer = null;
    var latest = 0;

    function close() { list.hidden = true; list.innerHTML = ""; }

    function show(results) {
      list.innerHTML = "";
      results.forEach(function (tag) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        // A synonym shows the canonical tag it stands for, and choosing it uses that tag.
        var chosen = tag.synonym_of || tag.name;
        button.textContent = tag.synonym_of ? tag.name + " → " + tag.synonym_of : tag.name;
        button.addEventListener("mousedown", function (event) {
          event.preventDefault();
          input.value = replaceLast(input.value, chosen);
          close();
          input.focus();
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var term = lastSegment(input.value);
      if (term.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var ticket = ++latest;
        var url = endpoint + "?kind=" + encodeURIComponent(input.dataset.autocomplete) +
          "&term=" + encodeURIComponent(term);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (ticket === latest) show(data.results || []); })
          .catch(close);
      }, 200);
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(attach);
})();
