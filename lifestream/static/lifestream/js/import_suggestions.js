// An imported draft's tag suggestions: "Add" puts the tag into the work form's field, beside
// whatever the creator has typed there and not saved yet, instead of sending the suggestion's
// own form (which saves the tag and reloads the page, losing those edits). Saving the work
// keeps it. Without this script the button still works, the old way.
(function () {
  "use strict";
  var status = document.getElementById("import-suggestions-status");

  function names(value) {
    return value.split(/[,，、]/).map(function (name) { return name.trim(); })
      .filter(function (name) { return name.length > 0; });
  }

  document.querySelectorAll("#import-suggestions button[data-tag]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var field = document.getElementById(button.dataset.field);
      if (!field) return;  // no such field on this page: let the form go
      event.preventDefault();
      var tag = button.dataset.tag;
      var replaces = (button.dataset.replaces || "").toLowerCase();
      var kept = names(field.value).filter(function (name) {
        return !(replaces && name.toLowerCase() === replaces);
      });
      var have = kept.some(function (name) { return name.toLowerCase() === tag.toLowerCase(); });
      if (!have) kept.push(tag);
      field.value = kept.join(", ");
      // The autosave and anything else listening hear of the change as of typing.
      field.dispatchEvent(new Event("input", { bubbles: true }));
      var item = button.closest("li");
      if (item) item.classList.add("added");
      button.disabled = true;
      button.textContent = window.LifestreamMessages.say("added");
      if (status) status.textContent = window.LifestreamMessages.say("tag_added", { tag: tag });
    });
  });
})();
