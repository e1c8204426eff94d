// Tag autocomplete for comma-separated tag inputs (input[data-autocomplete=KIND]).
// Suggests for the tag being typed (the text after the last comma); choosing one replaces it.
// The input is an ARIA 1.2 combobox: ArrowDown and ArrowUp move through the suggestions, Enter
// picks the highlighted one (and doesn't send the form while the list is open), Escape closes
// the list; a polite live region says how many suggestions there are.
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

  function attach(input, n) {
    if (!input.id) input.id = "autocomplete_" + n;
    var listId = input.id + "_suggestions";
    var list = document.createElement("ul");
    list.className = "autocomplete";
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    var status = document.createElement("span");
    status.className = "landmark autocomplete-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    var timer = null;
    var latest = 0;
    var active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }

    function isOpen() { return !list.hidden; }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, n) {
        item.setAttribute("aria-selected", n === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(item) {
      input.value = replaceLast(input.value, item.dataset.tag);
      close();
      status.textContent = item.dataset.tag + " added.";
      input.focus();
    }

    function show(results) {
      list.innerHTML = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      results.forEach(function (tag, n) {
        var item = document.createElement("li");
        item.id = listId + "_" + n;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        // A synonym shows the canonical tag it stands for, and choosing it uses that tag.
        item.dataset.tag = tag.synonym_of || tag.name;
        item.textContent = tag.synonym_of ? tag.name + " → " + tag.synonym_of : tag.name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(item);
        });
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      var say = window.LifestreamMessages.say;
      status.textContent = results.length === 0 ? say("no_suggestions") :
        results.length === 1 ? say("one_suggestion") :
        say("suggestions", { count: results.length });
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
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!isOpen()) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 && step < 0 ? -1 : active + step);
      } else if (event.key === "Enter") {
        if (!isOpen()) return;
        // While the list is open, Enter belongs to it: never to the form.
        event.preventDefault();
        var items = options();
        if (active >= 0 && items[active]) choose(items[active]);
        else close();
      } else if (event.key === "Escape") {
        if (!isOpen()) return;
        event.preventDefault();
        close();
      }
    });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(attach);
})();
