"""Sanitising user HTML, plain text to paragraphs, and word counts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lifestream.core.text import (
    count_words,
    format_to_html,
    one_line,
    sanitize_html,
    site_classes,
    text_to_html,
    without_controls,
)


def test_scripts_and_handlers_are_removed():
    dirty = '<p onmouseover="x()">a<script>evil()</script><style>p{}</style></p>'
    assert sanitize_html(dirty) == "<p>a</p>"


def test_links_get_nofollow_and_safe_schemes_only():
    assert sanitize_html('<a href="https://example.org">x</a>') == (
        '<a href="https://example.org" rel="nofollow">x</a>'
    )
    assert sanitize_html('<a href="javascript:alert(1)">x</a>') == '<a rel="nofollow">x</a>'
    assert "href" in sanitize_html('<a href="mailto:me@example.org">x</a>')
    assert "href" in sanitize_html('<a href="/works/1">x</a>')


def test_images_only_from_the_web():
    assert 'src="https://example.org/a.png"' in sanitize_html(
        '<img src="https://example.org/a.png" alt="a">'
    )
    assert "src" not in sanitize_html('<img src="data:image/png;base64,AAAA">')
    assert "src" not in sanitize_html('<img src="ftp://example.org/a.png">')


def test_embeds_and_forms_are_dropped_with_their_content():
    for markup in (
        '<iframe src="https://example.org">inside</iframe>',
        "<svg><text>inside</text></svg>",
        "<math><mi>inside</mi></math>",
        "<noscript>inside</noscript>",
        "<textarea>inside</textarea>",
    ):
        assert "inside" not in sanitize_html(markup), markup


def test_classes_in_works_but_not_in_comments():
    assert sanitize_html('<p class="kw">x</p>') == '<p class="kw">x</p>'
    assert sanitize_html('<p class="kw">x</p>', allow_classes=False) == "<p>x</p>"


def test_quotations_cite_web_addresses_only():
    for cite in (
        "javascript:alert(1)",
        " JaVaScript:alert(1)",
        "&#106;avascript:alert(1)",
        "java&#9;script:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
    ):
        for element in ("blockquote", "q"):
            clean = sanitize_html(f'<{element} cite="{cite}">said</{element}>')
            assert clean == f"<{element}>said</{element}>", (element, cite)
    assert 'cite="https://e.org/a"' in sanitize_html('<q cite="https://e.org/a">q</q>')
    assert 'cite="/works/1"' in sanitize_html('<q cite="/works/1">q</q>')


def test_work_text_cannot_borrow_the_sites_classes():
    """A story can't dress a paragraph as a site notice or a menu, nor as the page structure AO3
    clients read; its own class names stay for its work skin."""
    assert {"flash", "notice", "dropdown", "userstuff", "chapter", "skip"} <= site_classes()
    clean = sanitize_html(
        '<p class="flash notice">Your session expired: log in again here.</p>'
        '<div class="userstuff chapter">fake</div><p class="text-message sender flash">hi</p>'
    )
    assert clean == (
        "<p>Your session expired: log in again here.</p><div>fake</div>"
        '<p class="text-message sender">hi</p>'
    )


def test_control_characters_never_reach_stored_text():
    assert without_controls("a\x00b\x01c\x1fd\x7fe\x85f\ufffeg") == "abcdefg"
    assert without_controls("line\x0bbreak\x0cpage\ttab") == "line\nbreak\npage\ttab"
    assert one_line("  Title\x01 with\x0b\x0bbreaks\x08 ") == "Title with breaks"
    assert sanitize_html("<p>bell\x07 here</p>") == "<p>bell here</p>"
    assert text_to_html("vertical\x0btab") == "<p>vertical<br>\ntab</p>"


def test_ao3_allowlist_elements_survive():
    markup = (
        '<details open=""><summary>s</summary><ruby>漢<rt>kan</rt></ruby></details>'
        '<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>'
        '<ol start="3" type="i"><li>x</li></ol><blockquote cite="https://e.org">q</blockquote>'
    )
    assert sanitize_html(markup) == markup


def test_html_without_block_tags_gets_paragraphs():
    assert (
        sanitize_html("one\ntwo\n\n<em>three</em>") == "<p>one<br>\ntwo</p>\n<p><em>three</em></p>"
    )


def test_plain_text():
    assert text_to_html("a & b\n\n\n<c>") == "<p>a &amp; b</p>\n<p>&lt;c&gt;</p>"
    assert text_to_html("   ") == ""
    assert format_to_html("x", "text") == "<p>x</p>"


def test_word_counts():
    assert count_words("<p>Hello, world!</p>") == 2
    assert count_words("<p>one's well-known</p><p>next</p>") == 3
    assert count_words("<p>one--two</p>") == 2
    assert count_words("<p>クラウドは空を見上げた。</p>") == 11
    assert count_words("<p>天空之城 and 天</p>") == 6
    assert count_words("<p>Привет мир</p>") == 2
    assert count_words("<p>a</p><p>b</p>") == 2
    assert count_words("<p>&amp; &nbsp;</p>") == 0
    assert count_words("") == 0


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"' abcpscriptonerrorjavascript:&;#\n"))) | st.text()
)
def test_sanitiser_output_is_stable_and_safe(markup):
    clean = sanitize_html(markup)
    assert "<script" not in clean.lower()
    assert "javascript:" not in clean.lower().replace(" ", "") or "href" not in clean
    assert sanitize_html(clean) == clean


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_word_count_never_fails(text):
    assert count_words(text_to_html(text)) >= 0


def test_block_tags_separate_words():
    for markup in (
        "one<hr>two",
        "<dl><dt>one</dt><dd>two</dd></dl>",
        "<details><summary>one</summary>two</details>",
        "<center>one</center><center>two</center>",
        "<figure>one<figcaption>two</figcaption></figure>",
    ):
        assert count_words(markup) == 2, markup
    assert count_words("wo<em>rd</em>") == 1
