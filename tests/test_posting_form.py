"""The posting forms' markup (the browser tests in test_browser_rich_text.py drive them): AO3's
dt/dd layout, the asterisk on each field the archive insists on, checkboxes before their labels,
the rich-text editor's parts (hidden until its script starts), every id an aria attribute names
being on the page, and the HTML the editor writes surviving the sanitiser."""

from __future__ import annotations

import pytest
from markup import Element, parse

from imports.services import import_work
from lifestream.core.text import sanitize_html
from lifestream.testing import make_work

pytestmark = pytest.mark.django_db

WORK_REQUIRED = {"rating", "warnings", "fandoms", "title", "pseuds", "chapter_body"}


def _page(client, user, url: str) -> Element:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content)


def _pairs(dl: Element) -> list[tuple[Element, Element]]:
    children = [child for child in dl.children if isinstance(child, Element)]
    assert [c.tag for c in children] == ["dt", "dd"] * (len(children) // 2), "dt, dd, dt, dd…"
    return list(zip(children[::2], children[1::2], strict=True))


def test_new_work_form_has_a_name_beside_each_field(client, author) -> None:
    page = _page(client, author, "/works/new")
    form = page.select_one("form#work-form")
    pairs = [pair for dl in form.select("fieldset dl") for pair in _pairs(dl)]
    names = {dd["id"].removeprefix("field-") for _, dd in pairs}
    assert {"rating", "warnings", "fandoms", "title", "summary", "restricted"} <= names
    assert "chapter_body" in names
    for dt, dd in pairs:
        name = dd["id"].removeprefix("field-")  # the "inspired by" fields have a prefix
        assert name.removeprefix("parent-") in dt.classes and "field" in dd.classes
        marks = dt.select("abbr.required")
        if name in WORK_REQUIRED:
            assert "required" in dt.classes, name
            assert [m.text for m in marks] == ["*"], name
            assert marks[0]["title"] == "required"
        else:
            assert marks == [], name
    note = form.select_one("fieldset.work.meta p.required.notice")
    assert note.select_one("abbr.required").text == "*"
    assert "Required information" in note.text
    # Inputs that take it say so to assistive technology too.
    for field_id in ("id_rating", "id_fandoms", "id_title", "id_chapter_body"):
        assert page.select_one(f"#{field_id}")["aria-required"] == "true"
    assert not page.select_one("#id_summary").has_attr("aria-required")


def test_checkboxes_come_before_their_labels(client, author) -> None:
    page = _page(client, author, "/works/new")
    for name in ("restricted", "complete", "anonymous"):
        box = page.select_one(f"#field-{name} span.checkbox")
        tags = [child.tag for child in box.children if isinstance(child, Element)]
        assert tags == ["input", "label"], name
        assert box.select_one("label")["for"] == f"id_{name}"
    # A group: each input inside its own label, first; the group named by its dt.
    group = page.select_one("#field-warnings fieldset.options")
    assert group["aria-labelledby"] == "id_warnings_name"
    assert "Archive Warnings" in page.select_one("#id_warnings_name").text
    first = group.select_one("label")
    assert isinstance(first.children[0], Element) and first.children[0].tag == "input"


def test_the_rich_text_editor_is_there_but_hidden_until_its_script_starts(client, author) -> None:
    page = _page(client, author, "/works/new")
    box = page.select_one("#field-chapter_body div.rich-text")
    assert box.has_attr("hidden")  # without scripts: only the textarea
    assert box["data-textarea"] == "id_chapter_body"
    assert box["data-format"] == "chapter_body_format"
    editor = box.select_one("div.rtf-editor#id_chapter_body_rich")
    assert editor["role"] == "textbox" and editor["aria-labelledby"] == "id_chapter_body_label"
    toolbar = box.select_one("div.rtf-toolbar[role=toolbar]")
    commands = [b["data-command"] for b in toolbar.select("button")]
    assert commands == [
        "bold", "italic", "underline", "strikethrough", "heading", "heading", "list", "list",
        "quote", "link", "undo", "redo",
    ]  # fmt: skip
    for button in toolbar.select("button"):
        assert button["type"] == "button" and button.text.strip()
    switch = [b.text for b in box.select("ul.rtf-html-switch button")]
    assert switch == ["Rich Text", "HTML"]
    assert page.select_one("textarea#id_chapter_body")["name"] == "chapter_body"
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any(src.endswith("vendor/squire-rte-2.4.8/squire.js") for src in scripts)
    assert any(src.endswith("js/rich_text.js") for src in scripts)


def test_the_chapter_form_has_the_same_layout_and_editor(client, author) -> None:
    work = make_work(author)
    page = _page(client, author, f"/works/{work.pk}/chapters/new")
    pairs = _pairs(page.select_one("form.post.chapter > dl"))
    body = next(dt for dt, dd in pairs if dd["id"] == "field-body")
    assert body.select_one("abbr.required").text == "*"
    assert page.select_one("#field-body div.rich-text")["data-format"] == "body_format"
    # A work edited without its chapter (several chapters) has no editor to start.
    longer = make_work(author, chapters=2)
    edit = _page(client, author, f"/works/{longer.pk}/edit")
    assert edit.select("div.rich-text") == []
    assert not any(s["src"].endswith("rich_text.js") for s in edit.select("script[src]"))


def _missing_references(page: Element) -> list[str]:
    ids = {el["id"] for el in page.descendants() if el.has_attr("id")}
    missing = []
    for el in page.descendants():
        for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
            missing += [
                f"{el.tag}#{el.get('id')} {attribute}={ref}"
                for ref in (el.get(attribute) or "").split()
                if ref not in ids
            ]
    return missing


def test_every_id_an_aria_attribute_names_is_on_the_page(client, author, reader) -> None:
    """The help texts and labels the work, chapter, import and comment forms point to."""
    work = make_work(author)
    imported = import_work(author, "Title: Found\n\nSome text of a story.\n").work
    pages = {
        "/works/new": author,
        f"/works/{work.pk}/edit": author,
        f"/works/{work.pk}/chapters/new": author,
        f"/works/{imported.pk}/edit": author,
        "/works/import": author,
        f"/works/{work.pk}": reader,
    }
    for url, user in pages.items():
        page = _page(client, user, url)
        described = [el for el in page.descendants() if el.has_attr("aria-describedby")]
        assert described or url == f"/works/{work.pk}", f"{url}: no help text is referenced"
        assert _missing_references(page) == [], url
    client.logout()
    guest = parse(client.get(f"/works/{work.pk}").content)
    assert _missing_references(guest) == []


# What the editor writes for ordinary formatting (as test_browser_rich_text.py types it).
EDITOR_HTML = (
    "<p>A <b>bold</b> and <i>italic</i>, <u>underlined</u> and <s>struck</s> word.</p>"
    "<h2>A heading</h2><h3>A subheading</h3>"
    "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
    "<blockquote><p>A quoted line.</p><blockquote><p>Quoted twice.</p></blockquote></blockquote>"
    '<p>A <a href="https://example.org/lilies">link</a>.</p><p>\u00a0</p><p>Line<br>break</p>'
)


def test_the_editors_html_survives_the_sanitiser() -> None:
    cleaned = sanitize_html(EDITOR_HTML)
    # Unchanged, but for AO3's rel=nofollow on links and the no-break space written as an entity.
    expected = EDITOR_HTML.replace(
        '"https://example.org/lilies">', '"https://example.org/lilies" rel="nofollow">'
    ).replace("\u00a0", "&nbsp;")
    assert cleaned == expected
    # Tags the editor never writes and the archive refuses are still refused.
    assert sanitize_html('<p onclick="x()">Hi</p><script>x()</script>') == "<p>Hi</p>"


def test_an_imported_draft_edit_page_offers_suggestions_beside_the_editor(client, author) -> None:
    """The "Add" buttons fill the form's fields in the page (js/import_suggestions.js): the
    page loads that script with the editor's."""
    from importing import FAN_STORY, wrangled_tags

    wrangled_tags()
    work = import_work(author, FAN_STORY).work
    page = _page(client, author, f"/works/{work.pk}/edit")
    buttons = page.select("#import-suggestions button[data-tag]")
    assert buttons, "the imported story's tags are suggested"
    for button in buttons:
        assert page.select(f"#{button['data-field']}"), button["data-field"]
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any(src.endswith("js/import_suggestions.js") for src in scripts)
    assert any(src.endswith("js/rich_text.js") for src in scripts)
