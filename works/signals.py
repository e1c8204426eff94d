"""What posting tells the rest of the archive. Sent by works.services inside the transaction
that posts; receivers (feedback's subscriptions) only schedule work for after the commit. This
keeps works independent of the apps built on top of it."""

from django.dispatch import Signal

# sender=Work, work=<Work>: a work became visible (posted, or a draft posted).
work_posted = Signal()
# sender=Chapter, chapter=<Chapter>: a chapter of an already posted work became visible.
chapter_posted = Signal()
# sender=Chapter, chapter=<Chapter>: a chapter is about to be deleted, in the deleting
# transaction (its comments go with it).
chapter_deleting = Signal()
