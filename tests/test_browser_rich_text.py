"""The posting form's rich-text editor in a real Chromium: a whole work posted from the keyboard
alone, the formatting typed in the editor read back unchanged on the work page, the toolbar's
buttons and their states, the switch to HTML, the autosave's restore, the form without scripts,
and axe on the form in rich mode. Uses the browser and live-server set-up of test_browser.py."""

from __future__ import annotations

import re

import pytest
import test_browser
from test_accessibility import _run_axe, axe_source

from lifestream.testing import make_user, make_work
from works.models import Work

browser = test_browser.browser
site = test_browser.site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = "#id_chapter_body_rich"
TEXTAREA = "#id_chapter_body"


def _focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(limit):
        if _focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    assert _focused(page, selector), f"Tab never reached {selector}"


def test_a_work_is_posted_from_the_keyboard_alone(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    make_work(make_user("aerith_author"), characters=["Aerith Gainsborough"])
    page = site.new_page(make_user("keyboard_author"))
    page.goto("/works/new")
    keys = page.keyboard

    tab_to(page, "#id_rating")
    keys.type("General")  # a closed select picks the option its name starts with
    expect(page.locator("#id_rating")).to_have_value("General Audiences")

    tab_to(page, "input[name=warnings][value='No Archive Warnings Apply']")
    keys.press("Space")
    expect(page.get_by_label("No Archive Warnings Apply")).to_be_checked()

    tab_to(page, "#id_fandoms")
    keys.type("Final Fantasy VII")

    # A character from the autocomplete: arrows and Enter, which picks it and sends nothing.
    tab_to(page, "#id_characters")
    keys.type("Aer")
    option = page.locator("#id_characters_suggestions").get_by_role(
        "option", name="Aerith Gainsborough"
    )
    expect(option).to_be_visible()
    keys.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    url = page.url
    keys.press("Enter")
    expect(page.locator("#id_characters")).to_have_value("Aerith Gainsborough, ")
    page.wait_for_timeout(300)
    assert page.url == url
    assert not Work.objects.filter(title="Flowers and Steel").exists()

    tab_to(page, "#id_title")
    keys.type("Flowers and Steel")

    # The text, in the rich editor: a bold word from the toolbar (Shift+Tab reaches it from
    # the text; Space presses it and the typing goes on where it was), then Ctrl+B for another.
    tab_to(page, EDITOR)
    keys.type("She planted ")
    tab_to(page, ".rtf-toolbar button[data-command=bold]", backwards=True, limit=3)
    keys.press("Space")
    assert _focused(page, EDITOR)
    keys.type("lilies")
    keys.press("Control+b")
    keys.type(" in the ")
    keys.press("Control+b")
    keys.type("church")
    keys.press("Control+b")
    keys.type(".")
    keys.press("Enter")
    keys.type("Then she waited.")
    expect(page.locator(TEXTAREA)).to_have_value(
        "<p>She planted <b>lilies</b> in the <b>church</b>.</p><p>Then she waited.</p>"
    )

    # The Post button, still by Tab; Enter sends the form.
    tab_to(page, "button[value=post]")
    keys.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Work was successfully posted.")
    expect(page.locator("h2.title")).to_contain_text("Flowers and Steel")
    expect(page.locator("dd.rating.tags")).to_have_text("General Audiences")
    expect(page.locator("dd.warning.tags")).to_have_text("No Archive Warnings Apply")
    expect(page.locator("dd.fandom.tags a.tag")).to_have_text("Final Fantasy VII")
    expect(page.locator("dd.character.tags a.tag")).to_have_text("Aerith Gainsborough")
    text = page.locator("#chapters div.userstuff")
    expect(text.locator("p")).to_have_text(
        ["She planted lilies in the church.", "Then she waited."]
    )
    expect(text.locator("b")).to_have_text(["lilies", "church"])


# Each piece of ordinary formatting, made with the toolbar, as the editor writes it.
FORMATTED = (
    "<p>A <b>bold</b> and <i>italic</i>, <u>underlined</u> and <s>struck</s> word.</p>"
    "<h2>A heading</h2>"
    "<ul><li>one</li><li>two</li></ul>"
    "<ol><li>first</li></ol>"
    "<blockquote><p>A quoted line.</p></blockquote>"
    '<p>A <a href="https://example.org/lilies">link</a>.</p>'
)


def _toolbar(page, name: str):
    return page.locator(".rtf-toolbar").get_by_role("button", name=name, exact=True)


def test_formatting_from_the_toolbar_comes_back_the_same_on_the_work_page(
    site: test_browser.Site,
) -> None:
    from playwright.sync_api import expect

    page = site.new_page(make_user("format_author"))
    page.goto("/works/new")
    page.select_option("#id_rating", label="Teen And Up Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.fill("#id_fandoms", "Final Fantasy VII")
    page.fill("#id_title", "Formatted")
    keys = page.keyboard
    page.locator(EDITOR).click()

    keys.type("A ")
    for name, word, after in (
        ("Bold", "bold", " and "),
        ("Italic", "italic", ", "),
        ("Underline", "underlined", " and "),
        ("Strikethrough", "struck", " word."),
    ):
        button = _toolbar(page, name)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        keys.type(word)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "false")
        keys.type(after)
    keys.press("Enter")
    _toolbar(page, "Heading").click()
    expect(_toolbar(page, "Heading")).to_have_attribute("aria-pressed", "true")
    keys.type("A heading")
    keys.press("Enter")  # the next line is a paragraph again
    expect(_toolbar(page, "Heading")).to_have_attribute("aria-pressed", "false")
    _toolbar(page, "Bulleted list").click()
    expect(_toolbar(page, "Bulleted list")).to_have_attribute("aria-pressed", "true")
    keys.type("one")
    keys.press("Enter")
    keys.type("two")
    keys.press("Enter")
    keys.press("Enter")  # an empty item ends the list
    _toolbar(page, "Numbered list").click()
    keys.type("first")
    keys.press("Enter")
    keys.press("Enter")
    _toolbar(page, "Quote").click()
    expect(_toolbar(page, "Quote")).to_have_attribute("aria-pressed", "true")
    keys.type("A quoted line.")
    keys.press("Enter")
    keys.press("Enter")  # an empty line leaves the quote
    keys.type("A ")
    keys.type("link")
    keys.press("Shift+ArrowLeft")
    keys.press("Shift+ArrowLeft")
    keys.press("Shift+ArrowLeft")
    keys.press("Shift+ArrowLeft")
    _toolbar(page, "Link").click()
    address = page.get_by_label("Link address")
    expect(address).to_be_focused()
    address.type("https://example.org/lilies")
    address.press("Enter")  # adds the link; the form stays
    expect(page.locator(".rtf-link-form")).to_be_hidden()
    keys.press("End")
    keys.type(".")
    expect(page.locator(TEXTAREA)).to_have_value(FORMATTED)
    assert not Work.objects.exists()

    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Work was successfully posted.")
    shown = page.locator("#chapters div.userstuff").evaluate(
        """(el) => { const copy = el.cloneNode(true);
            copy.querySelectorAll('h3.landmark').forEach((h) => h.remove());
            copy.querySelectorAll('a').forEach((a) => a.removeAttribute('rel'));
            return copy.innerHTML.replace(/>\\s+</g, '><').trim(); }"""
    )
    assert shown == FORMATTED
    stored = Work.objects.get().chapters.get().body
    assert 'rel="nofollow"' in stored  # the archive's one addition, as AO3's


def test_the_toolbar_is_one_tab_stop_moved_along_with_the_arrows(
    site: test_browser.Site,
) -> None:
    from playwright.sync_api import expect

    page = site.new_page(make_user("arrow_author"))
    page.goto("/works/new")
    toolbar = page.get_by_role("toolbar", name="Formatting")
    expect(toolbar).to_have_attribute("aria-controls", "id_chapter_body_rich")
    buttons = toolbar.get_by_role("button")
    names = [b.get_attribute("title") or b.inner_text() for b in buttons.all()]
    assert len(names) == 12
    for button in buttons.all():
        # Each has a name of its own, for a screen reader.
        assert button.evaluate("(b) => b.textContent.trim().length > 0")
    bold = _toolbar(page, "Bold")
    expect(bold).to_have_attribute("tabindex", "0")
    tab_to(page, ".rtf-toolbar button[data-command=bold]")
    page.keyboard.press("ArrowRight")
    expect(_toolbar(page, "Italic")).to_be_focused()
    expect(_toolbar(page, "Italic")).to_have_attribute("tabindex", "0")
    expect(bold).to_have_attribute("tabindex", "-1")
    page.keyboard.press("End")
    expect(_toolbar(page, "Redo")).to_be_focused()
    page.keyboard.press("ArrowRight")  # round to the first
    expect(bold).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(_toolbar(page, "Redo")).to_be_focused()
    page.keyboard.press("Home")
    expect(bold).to_be_focused()
    # Tab leaves the toolbar for the text.
    page.keyboard.press("Tab")
    expect(page.locator(EDITOR)).to_be_focused()
    page.keyboard.type("Undone")
    expect(page.locator(TEXTAREA)).to_have_value("<p>Undone</p>")
    _toolbar(page, "Undo").click()
    expect(page.locator(TEXTAREA)).not_to_have_value("<p>Undone</p>")
    _toolbar(page, "Redo").click()
    expect(page.locator(TEXTAREA)).to_have_value("<p>Undone</p>")


def test_html_mode_shows_the_textarea_and_rich_mode_reads_it_back(
    site: test_browser.Site,
) -> None:
    from playwright.sync_api import expect

    page = site.new_page(make_user("switch_author"))
    page.goto("/works/new")
    rich = page.get_by_role("button", name="Rich Text", exact=True)
    html = page.get_by_role("button", name="HTML", exact=True)
    expect(rich).to_have_attribute("aria-pressed", "true")
    expect(page.locator(TEXTAREA)).to_be_hidden()
    expect(page.get_by_role("textbox", name="Work text")).to_be_visible()

    html.click()
    expect(html).to_have_attribute("aria-pressed", "true")
    expect(rich).to_have_attribute("aria-pressed", "false")
    expect(page.locator(EDITOR)).to_be_hidden()
    expect(page.locator(TEXTAREA)).to_be_focused()
    page.fill(TEXTAREA, "<p>Typed <em>as HTML</em>.</p>")
    rich.click()
    expect(page.locator(f"{EDITOR} i")).to_have_text("as HTML")
    expect(page.locator(EDITOR)).to_be_focused()
    # Nothing typed in the editor yet: the textarea is as written.
    expect(page.locator(TEXTAREA)).to_have_value("<p>Typed <em>as HTML</em>.</p>")

    # Plain text is typed in the textarea: choosing it switches to HTML mode.
    page.get_by_label("Plain text").check()
    expect(page.locator(TEXTAREA)).to_be_visible()
    expect(html).to_have_attribute("aria-pressed", "true")
    rich.click()
    expect(page.get_by_label("Rich text (HTML)")).to_be_checked()


def test_the_editor_shows_the_text_the_autosave_restores(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    page = site.new_page(make_user("restore_author"))
    page.goto("/works/new")
    page.locator(EDITOR).click()
    page.keyboard.type("Kept in this browser.")
    expect(page.locator(TEXTAREA)).to_have_value("<p>Kept in this browser.</p>")
    page.wait_for_function(
        "() => Object.keys(localStorage).some((k) => "
        "localStorage.getItem(k).includes('Kept in this browser.'))"
    )
    page.evaluate("() => { window.fetch = () => new Promise(() => {}); }")  # nothing reaches it
    again = page.context.new_page()
    again.goto("/works/new")
    offer = again.locator(".autosave-local")
    expect(offer).to_be_visible()
    expect(again.locator(EDITOR)).to_have_text("")
    offer.get_by_role("button", name="Restore it").click()
    expect(again.locator(EDITOR)).to_have_text("Kept in this browser.")
    again.locator(EDITOR).press("End")
    again.keyboard.type(" More.")
    expect(again.locator(TEXTAREA)).to_have_value("<p>Kept in this browser. More.</p>")


def test_the_form_posts_without_scripts(site: test_browser.Site, live_server) -> None:
    from playwright.sync_api import expect

    author = make_user("noscript_author")
    context = site.browser.new_context(base_url=site.base_url, java_script_enabled=False)
    site.contexts.append(context)
    site.log_in(context, author)
    page = context.new_page()
    page.goto("/works/new")
    expect(page.locator(".rich-text")).to_be_hidden()
    expect(page.locator(TEXTAREA)).to_be_visible()
    page.select_option("#id_rating", label="General Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.fill("#id_fandoms", "Final Fantasy VII")
    page.fill("#id_title", "No Scripts")
    page.fill(TEXTAREA, "<p>Written <strong>without</strong> scripts.</p>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Work was successfully posted.")
    expect(page.locator("#chapters div.userstuff strong")).to_have_text("without")


def test_the_posting_forms_in_rich_mode_pass_axe(site: test_browser.Site) -> None:
    from playwright.sync_api import expect

    source = axe_source()
    author = make_user("axe_rich_author")
    work = make_work(author, title="Two Parts", chapters=2)
    page = site.new_page(author)
    problems = []
    for url in ("/works/new", f"/works/{work.pk}/chapters/new"):
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            editor = page.locator(".rtf-editor")
            expect(editor).to_be_visible()
            editor.click()
            page.keyboard.type("Some text ")
            _toolbar(page, "Bold").click()
            page.keyboard.type("in bold")
            _toolbar(page, "Link").click()  # the link row open too
            expect(page.get_by_label("Link address")).to_be_visible()
            problems += [f"{url} at {width}px: {v}" for v in _run_axe(page, source)]
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
                problems.append(f"{url} at {width}px: the page scrolls sideways")
    assert problems == [], "\n".join(problems)
    assert re.search(r"/chapters/new$", page.url)
