"""The sample archive's collections: an open fest with a few works and a bookmark, and its
moderated subcollection with one work approved and one still waiting. Made through the
services, from the sample works already posted."""

from __future__ import annotations

from archive_collections import services
from archive_collections.services import CollectionData
from feedback.models import Bookmark
from people.models import User
from works.models import Work

FEST = CollectionData(
    name="Small_Hours_Fest",
    title="Small Hours Fest",
    description="<p>Stories set between midnight and dawn.</p>",
    intro="<p>Post anything that happens while the rest of the world sleeps.</p>",
    faq="<p><strong>Can I post an old work?</strong> Yes, any time.</p>",
    rules="<p>One prompt: the small hours. Any fandom, any rating.</p>",
)
DRABBLES = CollectionData(
    name="Small_Hours_Drabbles",
    title="Small Hours Drabbles",
    description="<p>The fest's short ones, reviewed by its moderators.</p>",
    moderated=True,
    parent="Small_Hours_Fest",
)


def add_sample_collections(users: dict[str, User]) -> int:
    """Returns how many collections were made."""
    people = list(users.values())
    if len(people) < 2:
        return 0
    owner = people[0]
    fest = services.create_collection(owner, FEST)
    drabbles = services.create_collection(owner, DRABBLES)
    works = list(Work.objects.filter(posted=True, restricted=False, anonymous=False).order_by("id"))
    # The fest takes four works; the drabbles two by others than its owner (who would approve
    # them by adding them), one approved by the owner and one still waiting.
    for work in works[:4]:
        services.add_work(work.creator_pseuds[0].user, fest, work)
    others = [w for w in works[4:] if w.creator_pseuds[0].user_id != owner.pk][:2]
    for number, work in enumerate(others):
        item = services.add_work(work.creator_pseuds[0].user, drabbles, work)
        if number == 0:
            services.decide_item(owner, item, approve=True)
    bookmark = Bookmark.objects.filter(private=False, work__isnull=False).order_by("id").first()
    if bookmark is not None:
        services.add_bookmark(bookmark.user, fest, bookmark.pk)
    return 2
