"""Reading a fan story the way its author laid it out: where chapters start, what the title and
summary are, and which paragraphs at the edges are the author talking to readers ("A/N:",
"Disclaimer:", "Please review!") rather than the story.

It errs on the side of leaving text in the body: only paragraphs at the very start or end of the
story or a chapter, with a clear marker and of modest length, ever move to the notes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from lifestream.core.text import ForgivingHTMLParser, html_to_text, text_to_html
from works.models import NOTES_MAX, SUMMARY_MAX, TITLE_MAX

from .formats import Part, Source

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 blockquote ul ol table pre hr dl details figure center address".split()  # noqa: SIM905  # a word list reads as prose
)
VOID_TAGS = frozenset({"br", "hr", "img", "col", "source", "track", "wbr"})
HEADINGS = ("h1", "h2", "h3")

# How far from an edge, and how long, a paragraph may be to count as a note.
EDGE_BLOCKS = 6
NOTE_BLOCK_MAX = 1500
PLEA_MAX = 300
HEADING_MAX = 120


@dataclass
class Block:
    tag: str
    html: str
    text: str


class _Splitter(ForgivingHTMLParser):
    """Top-level elements of sanitised HTML, each with its own source text. Loose inline content
    between them is gathered into one paragraph-like block."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.depth = 0
        self.block_start: int | None = None
        self.block_tag = ""
        self.run_start: int | None = None
        self.spans: list[tuple[str, int, int]] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _flush_run(self, end: int) -> None:
        if self.run_start is not None:
            self.spans.append(("p", self.run_start, end))
            self.run_start = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        offset = self._offset()
        if self.depth == 0:
            if tag in BLOCK_TAGS:
                self._flush_run(offset)
                if tag in VOID_TAGS:
                    end = offset + len(self.get_starttag_text() or "")
                    self.spans.append((tag, offset, end))
                    return
                self.block_start, self.block_tag = offset, tag
            elif self.run_start is None:
                self.run_start = offset
        if tag not in VOID_TAGS:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        self.depth = max(0, self.depth - 1)
        if self.depth == 0 and self.block_start is not None:
            end = self.source.index(">", self._offset()) + 1
            self.spans.append((self.block_tag, self.block_start, end))
            self.block_start = None

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and data.strip() and self.run_start is None:
            self.run_start = self._offset()


def split_blocks(markup: str) -> list[Block]:
    splitter = _Splitter(markup)
    splitter.feed(markup)
    splitter.close()
    splitter._flush_run(len(markup))
    blocks = []
    for tag, start, end in splitter.spans:
        piece = markup[start:end].strip()
        if not piece:
            continue
        if tag == "p" and not piece.startswith("<p"):
            piece = f"<p>{piece}</p>"
        blocks.append(Block(tag, piece, " ".join(html_to_text(piece).split())))
    return blocks


# --- patterns ---------------------------------------------------------------------------------

_NUMBER = (
    r"(?:\d+|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"
)
_SEPARATOR = r"\s*(?:[:.\-–—]\s*(?P<title>.+?))?\s*[.:]?"
CHAPTER_HEADING = re.compile(
    rf"^(?:chapter|ch\.|part|book)\s+{_NUMBER}\b{_SEPARATOR}$", re.IGNORECASE
)
NAMED_HEADING = re.compile(
    rf"^(?P<word>prologue|epilogue|interlude|afterword){_SEPARATOR}$", re.IGNORECASE
)
SCENE_BREAK = re.compile(r"^(?:[*~#=\-_•·+oO0x]\s*){3,}$")
NOTE_MARKER = re.compile(
    r"^[\s(\[*]*(?:a\s*/\s*n|a\.n\.|an(?=\s*:)|author(?:'s|’s|s)?\s+(?:[\w'’]+\s+){0,3}?notes?"
    r"(?:\s+[\w'’]+){0,2}|(?:end\s+|ending\s+)?notes?|disclaimer|n\s*/\s*b|translator'?s?\s+notes?)"
    r"\s*[:\-–—.)\]]",
    re.IGNORECASE,
)
# Markers no story sentence starts with; a bare "Note:" might.
STRONG_NOTE_MARKER = re.compile(
    r"^[\s(\[*]*(?:a\s*/\s*n|a\.n\.|an(?=\s*:)|author(?:'s|’s|s)?\s+(?:[\w'’]+\s+){0,3}?notes?"
    r"|(?:end|ending)\s+notes?|disclaimer|translator'?s?\s+notes?)",
    re.IGNORECASE,
)
REVIEW_PLEA = re.compile(
    r"\b(?:please\s+(?:r\s*&\s*r|r\s*and\s*r|review|comment|leave\s+(?:a\s+)?(?:review|comment)"
    r"|let\s+me\s+know)|r\s*&\s*r|read\s+(?:and|&)\s+review|reviews?\s+(?:make|are|please|would"
    r"|keep|feed|help)|review\s+please|(?:comments|kudos)\s+(?:are|make|keep)|let\s+me\s+know\s+"
    r"what\s+you\s+think|thanks?\s+(?:you\s+)?(?:so\s+much\s+)?for\s+reading)",
    re.IGNORECASE,
)
HEADER_FIELD = re.compile(
    r"^(?P<key>title|summary|author|rating|fandoms?|pairings?|relationships?|characters?"
    r"|warnings?|genres?|word\s*count|words|category|categories|spoilers?|beta(?:\s*reader)?"
    r"|status|series|timeline|feedback|archive)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)


def _heading_title(block: Block) -> str | None:
    """The chapter title a heading block names ("" for a bare "Chapter 3"), or None."""
    if block.tag not in BLOCK_TAGS or len(block.text) > HEADING_MAX or block.tag == "hr":
        return None
    if match := CHAPTER_HEADING.match(block.text):
        return match.group("title") or ""
    if match := NAMED_HEADING.match(block.text):
        title = match.group("title")
        return f"{match.group('word').title()}: {title}" if title else match.group("word").title()
    return None


def _is_scene_break(block: Block) -> bool:
    return block.tag == "hr" or bool(SCENE_BREAK.match(block.text))


def _is_note(block: Block) -> bool:
    return len(block.text) <= NOTE_BLOCK_MAX and bool(NOTE_MARKER.match(block.text))


def _is_strong_note(block: Block) -> bool:
    return _is_note(block) and bool(STRONG_NOTE_MARKER.match(block.text))


def _is_plea(block: Block) -> bool:
    return len(block.text) <= PLEA_MAX and bool(REVIEW_PLEA.search(block.text))


def _is_title_line(blocks: list[Block]) -> bool:
    """A plain-text story's opening line, short and unpunctuated, right before "Chapter 1"."""
    if len(blocks) < 2 or blocks[0].tag != "p" or _heading_title(blocks[1]) is None:
        return False
    text = blocks[0].text
    return (
        0 < len(text) <= 80 and text[-1] not in '.!?,;:"”’)' and _heading_title(blocks[0]) is None
    )


def _bare_marker(block: Block) -> bool:
    """ "Author's Note:" on a line of its own, the note in the next paragraph."""
    return _is_note(block) and bool(re.fullmatch(r"[^:]{1,40}:", block.text))


# --- the result -------------------------------------------------------------------------------


@dataclass
class StoryChapter:
    title: str = ""
    body: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


@dataclass
class Story:
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    chapters: list[StoryChapter] = field(default_factory=list)
    tag_text: str = ""

    def plain_text(self) -> str:
        """Everything a reader of the draft would read, for tag suggestions."""
        pieces = [self.title, self.summary, self.notes, self.end_notes, self.tag_text]
        for chapter in self.chapters:
            pieces += [chapter.title, chapter.summary, chapter.notes, chapter.body]
            pieces.append(chapter.end_notes)
        return "\n".join(html_to_text(piece) for piece in pieces if piece)


@dataclass
class _Segment:
    blocks: list[Block]
    title: str = ""
    part: Part | None = None
    heading: bool = False


def _join(blocks: list[Block]) -> str:
    return "\n".join(block.html for block in blocks)


def _fits(blocks: list[Block], extra: Block | None = None) -> bool:
    total = sum(len(block.html) for block in blocks) + (len(extra.html) if extra else 0)
    return total <= NOTES_MAX


def _take_start_notes(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Notes at the start: marker paragraphs only (a bare marker takes the next paragraph
    along); a scene break right after them goes too."""
    if not blocks or not _is_note(blocks[0]):
        return [], blocks
    notes: list[Block] = []
    index = 0
    while index < len(blocks) and index < EDGE_BLOCKS and _is_note(blocks[index]):
        taken = [blocks[index]]
        if _bare_marker(blocks[index]) and index + 1 < len(blocks):
            taken.append(blocks[index + 1])
        if not _fits(notes + taken):
            break
        notes += taken
        index += len(taken)
    rest = blocks[index:]
    if not any(b.text and not _is_scene_break(b) for b in rest):
        return [], blocks
    while rest and _is_scene_break(rest[0]):
        rest = rest[1:]
    return notes, rest


def _take_end_notes(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Notes at the end: from a marker paragraph among the last few to the end (all of them
    short), else trailing pleas for reviews."""
    start = None
    first = max(0, len(blocks) - EDGE_BLOCKS)
    for index in range(first, len(blocks)):
        if _is_note(blocks[index]):
            tail = blocks[index:]
            # After an unmistakable marker ("A/N:") the note may run on; after a plain
            # "Note:" only further notes and pleas follow, or it is the story's own text.
            followers = tail[1:] if _is_strong_note(tail[0]) else []
            rest_ok = all(_is_note(b) or _is_plea(b) for b in tail[1:] if b not in followers)
            short = all(len(b.text) <= NOTE_BLOCK_MAX for b in tail)
            if rest_ok and short and _fits(tail):
                start = index
                break
    if start is None:
        start = len(blocks)
        while start > first and _is_plea(blocks[start - 1]) and _fits(blocks[start - 1 :]):
            start -= 1
    body, notes = blocks[:start], blocks[start:]
    if not any(b.text and not _is_scene_break(b) for b in body):
        return [], blocks
    while body and _is_scene_break(body[-1]) and notes:
        body = body[:-1]
    return notes, body


def _read_header(blocks: list[Block], story: Story) -> tuple[list[Block], list[Block]]:
    """ "Title:", "Summary:" and the other header lines fan stories open with. Title and
    summary fill their fields; the other lines (and opening notes) become the work's notes."""
    notes: list[Block] = []
    index = 0
    while index < len(blocks) and index < EDGE_BLOCKS * 2:
        block = blocks[index]
        lines = [
            " ".join(html_to_text(line).split())
            for line in re.split(r"<br\s*/?>", block.html)
            if html_to_text(line).strip()
        ]
        fields = [HEADER_FIELD.match(line) for line in lines]
        if lines and all(fields):
            kept = []
            for line, match in zip(lines, fields, strict=True):
                assert match is not None
                key, value = match.group("key").lower(), match.group("value").strip()
                if key == "title" and value and not story.title:
                    story.title = value[:TITLE_MAX]
                elif key == "summary" and not story.summary:
                    if not value and index + 1 < len(blocks):
                        value = blocks[index + 1].text
                        index += 1
                    if value and len(value) <= SUMMARY_MAX - 20:
                        story.summary = text_to_html(value)
                    elif value:
                        kept.append(line)
                else:
                    kept.append(line)
            if kept:
                notes.append(
                    Block("p", "<p>" + "<br>".join(html.escape(k) for k in kept) + "</p>", "")
                )
            index += 1
        elif _is_note(block) and _fits(notes, block):
            notes.append(block)
            if _bare_marker(block) and index + 1 < len(blocks):
                notes.append(blocks[index + 1])
                index += 1
            index += 1
        else:
            break
    rest = blocks[index:]
    if notes and not any(b.text for b in rest):
        return [], blocks
    while rest and _is_scene_break(rest[0]):
        rest = rest[1:]
    return notes, rest


def _split_chapters(blocks: list[Block]) -> tuple[list[Block], list[_Segment]]:
    """A preamble and the chapters, split at chapter headings ("Chapter 3: Title", "Prologue"),
    or failing those at h1-h3 headings when there are at least two of a level."""
    marks = [(i, title) for i, b in enumerate(blocks) if (title := _heading_title(b)) is not None]
    if not marks:
        for level in HEADINGS:
            found = [i for i, b in enumerate(blocks) if b.tag == level and b.text]
            if len(found) >= 2:
                marks = [(i, blocks[i].text[:HEADING_MAX]) for i in found]
                break
    if not marks:
        return [], [_Segment(blocks)]
    preamble = blocks[: marks[0][0]]
    segments = []
    for number, (index, title) in enumerate(marks):
        end = marks[number + 1][0] if number + 1 < len(marks) else len(blocks)
        segments.append(_Segment(blocks[index + 1 : end], title=title, heading=True))
    return preamble, segments


def understand(source: Source, *, filename: str = "") -> Story:
    """Turn what a reader found into a story: title, summary, notes and chapters."""
    story = Story(summary=source.summary, notes=source.notes, end_notes=source.end_notes)
    story.tag_text = source.tag_text
    groups = _group_parts(source)
    if groups:
        _read_front_matter(groups, story)
    story.chapters = _chapters(_segments(groups, source))
    if len(story.chapters) == 1:
        _lift_one_shot(story)
    story.title = (story.title or source.title or _title_from_filename(filename))[:TITLE_MAX]
    _fit_limits(story)
    return story


def _group_parts(source: Source) -> list[tuple[Part, list[Block]]]:
    """The source's blocks grouped by the parts that begin a chapter by themselves (EPUB
    documents); the parts after one are read as its continuation."""
    groups: list[tuple[Part, list[Block]]] = []
    for part in source.parts:
        blocks = [b for b in split_blocks(part.html) if b.text or b.tag == "hr" or "<img" in b.html]
        if part.hard_break or not groups:
            groups.append((part, blocks))
        else:
            groups[-1][1].extend(blocks)
    return groups


def _read_front_matter(groups: list[tuple[Part, list[Block]]], story: Story) -> None:
    """What opens the first group before the story itself: a leading title heading, then the
    header lines ("Title:", "Summary:", notes), then a plain-text title line. They fill the
    story's fields and leave the first group with the text after them."""
    part, blocks = groups[0]
    blocks = _take_title_heading(part, blocks, story)
    header_notes, blocks = _read_header(blocks, story)
    blocks = _take_title_line(part, blocks, story)
    groups[0] = (part, blocks)
    if header_notes:
        story.notes = "\n".join(filter(None, [story.notes, _join(header_notes)]))


def _take_title_heading(part: Part, blocks: list[Block], story: Story) -> list[Block]:
    """The story's title from an h1 or h2 opening the text, when it is the only heading of its
    level and names no chapter; the blocks after it."""
    if (
        blocks
        and not part.hard_break
        and blocks[0].tag in ("h1", "h2")
        and _heading_title(blocks[0]) is None
        and sum(1 for b in blocks if b.tag == blocks[0].tag) == 1
    ):
        story.title = blocks[0].text[:TITLE_MAX]
        return blocks[1:]
    return blocks


def _take_title_line(part: Part, blocks: list[Block], story: Story) -> list[Block]:
    """The story's title from a plain-text opening line right before "Chapter 1", when nothing
    has named the story yet; the blocks after it."""
    if _is_title_line(blocks) and not story.title and not part.hard_break:
        story.title = blocks[0].text
        return blocks[1:]
    return blocks


def _segments(groups: list[tuple[Part, list[Block]]], source: Source) -> list[_Segment]:
    """Every group split into chapter segments, each group's preamble kept with its chapters."""
    segments: list[_Segment] = []
    for part, blocks in groups:
        preamble, found = _split_group(part, blocks, source)
        if part.hard_break:
            _open_part_chapter(part, preamble, found)
        elif preamble:
            _attach_preamble(preamble, segments, found)
        segments += found
    return segments


def _split_group(
    part: Part, blocks: list[Block], source: Source
) -> tuple[list[Block], list[_Segment]]:
    """One group's preamble and chapters: at its headings, or, when it has none, at a DOCX's
    page breaks."""
    preamble, found = _split_chapters(blocks)
    soft = [p for p in source.parts if p.soft_break]
    if not found[0].heading and not part.hard_break and soft and len(source.parts) > 1:
        # No headings at all: a DOCX's page breaks are the best hint of chapters.
        found = [_Segment(split_blocks(p.html)) for p in source.parts]
    return preamble, found


def _open_part_chapter(part: Part, preamble: list[Block], found: list[_Segment]) -> None:
    """A part that begins a chapter by itself: its preamble is a chapter of its own, and the
    first chapter takes the part's title, or else the heading its text opens with."""
    if preamble:
        found.insert(0, _Segment(preamble))
    first = found[0]
    first.part = part
    first.title = first.title or part.title
    if not first.title and first.blocks and not first.heading:
        lead = first.blocks[0]
        if lead.tag in HEADINGS and len(lead.text) <= HEADING_MAX:
            heading = _heading_title(lead)
            first.title = heading if heading is not None else lead.text
            first.blocks = first.blocks[1:]


def _attach_preamble(
    preamble: list[Block], segments: list[_Segment], found: list[_Segment]
) -> None:
    """Text before a group's first heading, in a group that doesn't begin a chapter: the end of
    the chapter before, or else the start of the group's first chapter."""
    if segments or len(found) == 0:
        segments[-1].blocks += preamble
    else:
        found[0].blocks = preamble + found[0].blocks


def _chapters(segments: list[_Segment]) -> list[StoryChapter]:
    """The chapters of the segments that have any text once their notes are taken out."""
    return [chapter for segment in segments if (chapter := _chapter(segment)) is not None]


def _chapter(segment: _Segment) -> StoryChapter | None:
    """One segment as a chapter: the notes at its edges moved out of the body and joined to
    those its part came with; None when no text is left."""
    origin = segment.part
    chapter = StoryChapter(title=segment.title[:255])
    start_notes, blocks = _take_start_notes(segment.blocks)
    end_notes, blocks = _take_end_notes(blocks)
    chapter.body = _join(blocks)
    if not html_to_text(chapter.body).strip():
        return None
    chapter.notes = "\n".join(filter(None, [origin.notes if origin else "", _join(start_notes)]))
    chapter.end_notes = "\n".join(
        filter(None, [origin.end_notes if origin else "", _join(end_notes)])
    )
    chapter.summary = origin.summary if origin else ""
    return chapter


def _lift_one_shot(story: Story) -> None:
    """A one-shot's notes, where they fit, and its title, when the story has none, are the
    work's."""
    only = story.chapters[0]
    if len(story.notes) + len(only.notes) < NOTES_MAX:
        story.notes = "\n".join(filter(None, [story.notes, only.notes]))
        only.notes = ""
    if len(story.end_notes) + len(only.end_notes) < NOTES_MAX:
        story.end_notes = "\n".join(filter(None, [only.end_notes, story.end_notes]))
        only.end_notes = ""
    if only.title and not story.title:
        story.title = only.title
        only.title = ""


def _fit_limits(story: Story) -> None:
    """Notes or a summary longer than a work allows go back into the text rather than make the
    whole import fail: nothing the author wrote is dropped."""
    if len(story.summary) > SUMMARY_MAX:
        story.notes = "\n".join(filter(None, [story.summary, story.notes]))
        story.summary = ""
    if not story.chapters:
        return
    first, last = story.chapters[0], story.chapters[-1]
    if len(story.notes) > NOTES_MAX:
        first.body = f"{story.notes}\n{first.body}"
        story.notes = ""
    if len(story.end_notes) > NOTES_MAX:
        last.body = f"{last.body}\n{story.end_notes}"
        story.end_notes = ""
    for chapter in story.chapters:
        if len(chapter.summary) > SUMMARY_MAX:
            chapter.notes = "\n".join(filter(None, [chapter.summary, chapter.notes]))
            chapter.summary = ""
        if len(chapter.notes) > NOTES_MAX:
            chapter.body = f"{chapter.notes}\n{chapter.body}"
            chapter.notes = ""
        if len(chapter.end_notes) > NOTES_MAX:
            chapter.body = f"{chapter.body}\n{chapter.end_notes}"
            chapter.end_notes = ""


def _title_from_filename(filename: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,8}$", "", filename.replace("\\", "/").rsplit("/", 1)[-1])
    stem = " ".join(re.sub(r"[_]+", " ", stem).split())
    return stem[:TITLE_MAX] or "Untitled"
