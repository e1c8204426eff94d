// The interface's sentences in the page's language (base.html writes them as JSON data):
// LifestreamMessages.say("saved_at", {time: "14:05"}) gives "Saved at 14:05" in English.
(function () {
  "use strict";
  var table = {};
  try {
    var data = document.getElementById("interface-messages");
    table = data ? JSON.parse(data.textContent) : {};
  } catch (e) { table = {}; }
  window.LifestreamMessages = {
    say: function (key, values) {
      var text = table[key] || key;
      return text.replace(/%\(([a-z_]+)\)s/g, function (whole, name) {
        return values && values[name] !== undefined ? String(values[name]) : whole;
      });
    }
  };
})();
