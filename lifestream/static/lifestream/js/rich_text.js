// The rich-text editor of the posting and chapter forms (AO3's "Rich Text" / "HTML" switch).
// Squire (vendor/squire-rte) edits a copy of the chapter text; every change is written back
// into the form's own textarea, with an input event, so the autosave and anything else that
// listens hear it as typing, and the form sends the textarea as it always has (the server
// sanitises it). "HTML" shows the textarea itself. Without scripts only the textarea is there.
(function () {
  "use strict";
  if (!window.Squire || !window.DOMPurify) { return; }

  // Close to what the archive keeps (lifestream/core/text.py): what is pasted in is cleaned
  // to this before the editor holds it; the server has the last word.
  var PURIFY = {
    ALLOWED_TAGS: ("a abbr acronym address b big blockquote br caption center cite code col colgroup " +
      "details figcaption figure dd del dfn div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol " +
      "p pre q rp rt ruby s samp small span strike strong sub summary sup table tbody td tfoot th " +
      "thead tr tt u ul var").split(" "),
    ALLOWED_ATTR: ["align", "dir", "lang", "title", "class", "href", "name", "cite", "alt", "border",
      "height", "src", "width", "start", "type", "colspan", "rowspan", "scope", "open", "span"],
    ALLOWED_URI_REGEXP: /^(?:(?:https?|ftp|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
    RETURN_DOM_FRAGMENT: true
  };
  var FORMATS = { bold: "B", italic: "I", underline: "U", strikethrough: "S" };
  var BLOCKS = "P,DIV,H1,H2,H3,H4,H5,H6";

  function start(box) {
    var textarea = document.getElementById(box.getAttribute("data-textarea"));
    if (!textarea) { return; }
    var form = textarea.form;
    var formats = form ? form.querySelectorAll("input[name='" + box.getAttribute("data-format") + "']") : [];
    var area = box.querySelector(".rtf-editor");
    var toolbar = box.querySelector(".rtf-toolbar");
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    var linkForm = box.querySelector(".rtf-link-form");
    var linkUrl = linkForm.querySelector("input");
    var linkButton = toolbar.querySelector("[data-command=link]");
    var label = document.getElementById(textarea.id + "_label");
    var editor = null;
    var rich = false;
    var writing = false;

    function format() {
      var picked = Array.prototype.filter.call(formats, function (radio) { return radio.checked; });
      return picked.length ? picked[0].value : "html";
    }

    function html() {
      var root = editor.getRoot();
      // An editor with nothing typed holds an empty paragraph: that is no text at all.
      if (!root.textContent.trim() && !root.querySelector("img, hr, video, audio")) { return ""; }
      return plainSpaces(editor.getHTML());
    }

    // A browser types a space at the end of a run of text as a no-break space, to keep it
    // visible while it is the last character: one between words is a space again in the text
    // sent (a run of them, typed on purpose, stays). Parsed in a template, where nothing loads.
    function plainSpaces(markup) {
      var holder = document.createElement("template");
      holder.innerHTML = markup;
      var walker = document.createTreeWalker(holder.content, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.data === "\u00a0") { continue; }  // <p>&nbsp;</p>: a blank line kept on purpose
        node.data = node.data.replace(/(^|[^\s\u00a0])\u00a0(?![\s\u00a0])/g, "$1 ");
      }
      return holder.innerHTML;
    }

    function writeBack() {
      if (!rich) { return; }
      var value = html();
      if (value === textarea.value) { return; }
      textarea.value = value;
      writing = true;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      writing = false;
    }

    function press() {
      buttons.forEach(function (button) {
        var command = button.getAttribute("data-command");
        var tag = FORMATS[command] || button.getAttribute("data-tag") ||
          (command === "quote" ? "BLOCKQUOTE" : command === "link" ? "A" : null);
        if (tag && button.hasAttribute("aria-pressed")) {
          button.setAttribute("aria-pressed", String(editor.hasFormat(tag)));
        }
      });
    }

    // A heading button turns the blocks of the selection into that heading, or back into
    // paragraphs when they already are one.
    function heading(tag) {
      var undo = editor.hasFormat(tag);
      editor.modifyBlocks(function (fragment) {
        var blocks = Array.prototype.filter.call(fragment.querySelectorAll(BLOCKS), function (el) {
          return !el.querySelector(BLOCKS);
        });
        blocks.forEach(function (block) {
          var next = document.createElement(undo ? "P" : tag);
          while (block.firstChild) { next.appendChild(block.firstChild); }
          block.parentNode.replaceChild(next, block);
        });
        return fragment;
      });
    }

    function showLink(open) {
      linkForm.hidden = !open;
      linkButton.setAttribute("aria-expanded", String(open));
      if (open) {
        // Editing the link under the cursor: its address is offered to change.
        var range = editor.getSelection();
        var node = range && range.startContainer;
        while (node && node !== area && node.nodeName !== "A") { node = node.parentNode; }
        linkUrl.value = node && node.nodeName === "A" ? node.getAttribute("href") || "" : "";
        linkUrl.focus();
      }
    }

    var commands = {
      bold: function () { editor.hasFormat("B") ? editor.removeBold() : editor.bold(); },
      italic: function () { editor.hasFormat("I") ? editor.removeItalic() : editor.italic(); },
      underline: function () { editor.hasFormat("U") ? editor.removeUnderline() : editor.underline(); },
      strikethrough: function () {
        editor.hasFormat("S") ? editor.removeStrikethrough() : editor.strikethrough();
      },
      heading: function (button) { heading(button.getAttribute("data-tag")); },
      list: function (button) {
        var tag = button.getAttribute("data-tag");
        if (editor.hasFormat(tag)) { editor.removeList(); }
        else if (tag === "OL") { editor.makeOrderedList(); }
        else { editor.makeUnorderedList(); }
      },
      quote: function () {
        editor.hasFormat("BLOCKQUOTE") ? editor.decreaseQuoteLevel() : editor.increaseQuoteLevel();
      },
      link: function () { showLink(linkForm.hidden); },
      undo: function () { editor.undo(); },
      redo: function () { editor.redo(); }
    };

    function addLink() {
      var url = linkUrl.value.trim();
      showLink(false);
      if (url) { editor.makeLink(url); } else { editor.focus(); }
    }

    function removeLink() {
      showLink(false);
      editor.removeLink();
    }

    function setMode(mode) {
      var toRich = mode === "rich";
      if (toRich === rich) { return; }
      if (toRich) {
        formats.forEach(function (radio) { radio.checked = radio.value === "html"; });
        editor.setHTML(textarea.value);
      } else {
        writeBack();
      }
      rich = toRich;
      toolbar.hidden = !toRich;
      area.hidden = !toRich;
      if (!toRich) { showLink(false); }
      textarea.hidden = toRich;
      box.querySelectorAll(".rtf-html-switch button").forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-mode") === mode));
      });
      // In rich mode the label names the editor (aria-labelledby), and a click on it goes there.
      if (label) {
        if (toRich) { label.removeAttribute("for"); } else { label.setAttribute("for", textarea.id); }
      }
      if (toRich) { press(); }
    }

    // One tab stop for the whole toolbar; the arrow keys, Home and End move along it.
    function rove(to) {
      buttons.forEach(function (button) { button.tabIndex = button === to ? 0 : -1; });
      to.focus();
    }
    buttons.forEach(function (button, index) { button.tabIndex = index === 0 ? 0 : -1; });
    toolbar.addEventListener("keydown", function (event) {
      var at = buttons.indexOf(document.activeElement);
      if (at < 0) { return; }
      var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (to === undefined) { return; }
      event.preventDefault();
      rove(buttons[(to + buttons.length) % buttons.length]);
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-command]");
      if (!button) { return; }
      buttons.forEach(function (other) { other.tabIndex = other === button ? 0 : -1; });
      var command = button.getAttribute("data-command");
      commands[command](button);
      // The typing goes on where it was (Squire's block changes leave the focus here).
      if (command !== "link") { editor.focus(); }
      press();
    });

    linkForm.querySelector(".rtf-link-add").addEventListener("click", addLink);
    linkForm.querySelector(".rtf-link-remove").addEventListener("click", removeLink);
    linkForm.querySelector(".rtf-link-cancel").addEventListener("click", function () {
      showLink(false);
      editor.focus();
    });
    linkUrl.addEventListener("keydown", function (event) {
      // Enter adds the link (it must not send the form); Escape leaves it.
      if (event.key === "Enter") { event.preventDefault(); addLink(); }
      if (event.key === "Escape") { event.preventDefault(); showLink(false); editor.focus(); }
    });

    editor = new window.Squire(area, {
      blockTag: "P",
      sanitizeToDOMFragment: function (markup) {
        var fragment = window.DOMPurify.sanitize(markup, PURIFY);
        return fragment ? document.importNode(fragment, true) : document.createDocumentFragment();
      }
    });
    editor.addEventListener("input", writeBack);
    editor.addEventListener("pathChange", press);
    editor.addEventListener("select", press);
    editor.addEventListener("cursor", press);

    // Text put into the textarea by something else (the autosave's restore): the editor shows it.
    textarea.addEventListener("input", function () {
      if (rich && !writing) { editor.setHTML(textarea.value); }
    });
    if (label) {
      label.addEventListener("click", function () { if (rich) { editor.focus(); } });
    }
    formats.forEach(function (radio) {
      radio.addEventListener("change", function () {
        // Plain text is typed as it is: the textarea, not the editor.
        if (radio.checked && radio.value === "text") { setMode("html"); }
      });
    });
    box.querySelectorAll(".rtf-html-switch button").forEach(function (button) {
      button.addEventListener("click", function () {
        setMode(button.getAttribute("data-mode"));
        (rich ? editor : textarea).focus();
      });
    });
    if (form) { form.addEventListener("submit", writeBack); }

    box.hidden = false;
    toolbar.hidden = true;
    area.hidden = true;
    setMode(format() === "text" ? "html" : "rich");
    if (!rich) {
      box.querySelector(".rtf-html-switch [data-mode=html]").setAttribute("aria-pressed", "true");
      box.querySelector(".rtf-html-switch [data-mode=rich]").setAttribute("aria-pressed", "false");
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll(".rich-text[data-textarea]"), start);
})();
