// The header's menus and a work's Download menu are <details> disclosures and work without
// this file. It adds what a reader expects of a menu: Escape closes the open one (back on its
// summary), and a click elsewhere on the page closes it.
(function () {
  "use strict";
  function openMenus() {
    return document.querySelectorAll("#header details[open], details.dropdown[open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();
