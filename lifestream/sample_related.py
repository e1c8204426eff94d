"""The sample archive's related works: a French translation of a sample story, by another
sample author, named as its translation and listed under the original by its creator. Made
through the services, from the sample works already posted."""

from __future__ import annotations

from django.utils import timezone

from feedback.models import Notification
from people.models import User
from works.models import Work
from works.related import ParentData, add_parent, answer_link
from works.services import ChapterData, WorkData, create_work

ORIGINAL = "What the Orchard Keeps"
TRANSLATOR = "saltmarsh_sonnets"
TRANSLATION_TITLE = "Ce que garde le verger"
TRANSLATION_TEXT = (
    "<p>La première gelée arriva au Verger de verre un mardi, et avec elle le chant. Wren "
    "l'entendit avant de le comprendre : un tintement léger, comme une cuillère contre un "
    "verre, qui passait d'arbre en arbre.</p>\n"
    "<p>« Ils te reconnaissent, dit Orrin sans lever les yeux de son sécateur. Ou ils "
    "essaient. »</p>"
)


def add_sample_translation(users: dict[str, User]) -> int:
    """Returns how many related works were made (none if the original isn't there)."""
    original = Work.objects.filter(title=ORIGINAL, posted=True).first()
    translator = users.get(TRANSLATOR)
    if original is None or translator is None:
        return 0
    tags = {kind: [tag.name for tag in original.tags_of(kind)] for kind in _KINDS}
    data = WorkData(
        title=TRANSLATION_TITLE,
        pseuds=[translator.default_pseud],
        summary="<p>Traduction française de « What the Orchard Keeps ».</p>",
        rating=tags["rating"][0],
        warnings=tags["warning"],
        categories=tags["category"],
        fandoms=tags["fandom"],
        relationships=tags["relationship"],
        characters=tags["character"],
        freeforms=["Translation", "Traduction"],
        language="fr",
    )
    translation = create_work(translator, data, ChapterData(body=TRANSLATION_TEXT), post=True)
    link = add_parent(
        translator,
        translation,
        ParentData(reference=str(original.pk), kind="translation", language="fr"),
    )
    # The original's creator lists it under their work.
    answer_link(original.creator_pseuds[0].user, link.pk, approve=True)
    # Its notices (to the original's creator, to the translator's subscribers) are the sample's
    # past: in the inbox, never emailed.
    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return 1


_KINDS = ("rating", "warning", "category", "fandom", "relationship", "character")
