"""The sample archive's skins: a work skin on a sample story (a ship's log, with a drop
capital and ruled margin), and a public site skin a reader can pick in their reading settings.
Made through the skin services, so the sample CSS is sanitised like anyone's."""

from __future__ import annotations

from people.models import User
from works.models import Work
from works.skins import SkinData, create_skin, set_skins_public

WORK = "Dead Reckoning"
AUTHOR = "lanternfish"
SHIPS_LOG = """
.userstuff > p:first-of-type::first-letter {
  float: left; font-size: 3.2em; line-height: .9; margin: .05em .12em 0 0; font-weight: bold;
}
.userstuff { border-left: 3px double #8a7f6b; padding-left: 1.2em; }
h3.title { font-variant: small-caps; letter-spacing: .06em; }
"""
SITE_AUTHOR = "moogle_quill"
SITE_SKIN = """
#header { background: linear-gradient(90deg, #23413e, #2f6f6a); }
.userstuff p { text-indent: 1.5em; margin-bottom: .4em; }
.userstuff p:first-child { text-indent: 0; }
"""


def add_sample_skins(users: dict[str, User]) -> int:
    """Returns how many skins were made (none where their authors or the work are missing)."""
    made = 0
    author = users.get(AUTHOR)
    work = Work.objects.filter(title=WORK, posted=True).first()
    if author is not None and work is not None:
        skin = create_skin(
            author,
            SkinData(
                title="Ship's Log",
                description="A drop capital, a ruled margin and small-capital chapter titles.",
                css=SHIPS_LOG,
            ),
        )
        Work.objects.filter(pk=work.pk).update(skin=skin)
        made += 1
    site_author = users.get(SITE_AUTHOR)
    if site_author is not None:
        site = create_skin(
            site_author,
            SkinData(
                title="Book Pages",
                description="Indented paragraphs, as in a printed book, and a deeper header.",
                css=SITE_SKIN,
                kind="site",
            ),
        )
        set_skins_public([site], public=True)
        made += 1
    return made
