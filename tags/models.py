"""One tag table. Ratings, warnings and categories are seeded with AO3's fixed ids."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TAG_NAME_MAX = 150


class TagKind(models.TextChoices):
    RATING = "rating", _("Rating")
    WARNING = "warning", _("Archive Warning")
    CATEGORY = "category", _("Category")
    FANDOM = "fandom", _("Fandom")
    RELATIONSHIP = "relationship", _("Relationship")
    CHARACTER = "character", _("Character")
    FREEFORM = "freeform", _("Additional Tags")
    MEDIA = "media", _("Media")


# Kinds an author types freely, in the order a work's meta shows them.
USER_KINDS = (TagKind.FANDOM, TagKind.RELATIONSHIP, TagKind.CHARACTER, TagKind.FREEFORM)
# Kinds whose tags are fixed by the archive and chosen from a list.
FIXED_KINDS = (TagKind.RATING, TagKind.WARNING, TagKind.CATEGORY)

# AO3's fixed ids, which existing clients hard-code (`AO3_COMPAT.md` b.4). The slug is the CSS
# class suffix AO3's blurbs use for the "required tags" symbols.
FIXED_TAGS: tuple[tuple[int, str, str, str], ...] = (
    (9, TagKind.RATING, "Not Rated", "notrated"),
    (10, TagKind.RATING, "General Audiences", "general-audience"),
    (11, TagKind.RATING, "Teen And Up Audiences", "teen"),
    (12, TagKind.RATING, "Mature", "mature"),
    (13, TagKind.RATING, "Explicit", "explicit"),
    (14, TagKind.WARNING, "Creator Chose Not To Use Archive Warnings", "choosenotto"),
    (16, TagKind.WARNING, "No Archive Warnings Apply", "no"),
    (17, TagKind.WARNING, "Graphic Depictions Of Violence", "yes"),
    (18, TagKind.WARNING, "Major Character Death", "yes"),
    (19, TagKind.WARNING, "Rape/Non-Con", "yes"),
    (20, TagKind.WARNING, "Underage Sex", "yes"),
    (21, TagKind.CATEGORY, "Gen", "gen"),
    (22, TagKind.CATEGORY, "F/M", "het"),
    (23, TagKind.CATEGORY, "M/M", "slash"),
    (24, TagKind.CATEGORY, "Other", "other"),
    (116, TagKind.CATEGORY, "F/F", "femslash"),
    (2246, TagKind.CATEGORY, "Multi", "multi"),
)
FIXED_SLUGS = {tag_id: slug for tag_id, _, _, slug in FIXED_TAGS}
ADULT_RATING_IDS = frozenset({12, 13})
NOT_RATED_ID = 9
CHOSE_NOT_TO_WARN_ID = 14
NO_WARNINGS_ID = 16

# AO3's media categories, the parents fandoms are browsed under (`/media`), in AO3's order. The
# migration seeds them as canonical media tags; a fandom with no media parent is listed under
# the last one.
MEDIA_CATEGORIES: tuple[str, ...] = (
    "Anime & Manga",
    "Books & Literature",
    "Cartoons & Comics & Graphic Novels",
    "Celebrities & Real People",
    "Movies",
    "Music & Bands",
    "Other Media",
    "Theater",
    "TV Shows",
    "Video Games",
    "Uncategorized Fandoms",
)
UNCATEGORIZED_MEDIA = MEDIA_CATEGORIES[-1]

# AO3's escaping of characters that cannot stand in a URL path segment (`Tag.to_param`).
_URL_ESCAPES = (("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*"))


def tag_to_param(name: str) -> str:
    for char, escape in _URL_ESCAPES:
        name = name.replace(char, escape)
    return name


def tag_from_param(param: str) -> str:
    for char, escape in _URL_ESCAPES:
        param = param.replace(escape, char)
    return param


class Tag(models.Model):
    kind = models.CharField(max_length=20, choices=TagKind.choices, db_index=True)
    name = models.CharField(max_length=TAG_NAME_MAX)
    canonical = models.BooleanField(default=False)
    merger = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="synonyms",
        help_text=_("The canonical tag this tag is a synonym of."),
    )
    unwrangleable = models.BooleanField(
        default=False, help_text=_("Wranglers looked at it and it fits no canonical tag.")
    )
    # A parent of the same kind is a metatag (its listing includes this tag's works); a fandom
    # parent places a character, relationship or freeform in that fandom; a media parent places
    # a fandom in a medium.
    parents = models.ManyToManyField(
        "self", symmetrical=False, related_name="children", blank=True, through="TagParent"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tags:works", args=[self.url_name])

    @property
    def url_name(self) -> str:
        return tag_to_param(self.name)

    @property
    def slug(self) -> str:
        """The AO3 CSS suffix of a rating, warning or category tag."""
        return FIXED_SLUGS.get(self.pk, "")


def tags_named(name: str) -> models.QuerySet[Tag]:
    """The tag called `name`, in any case. A name no tag can have (too long, or holding a NUL,
    which PostgreSQL refuses in a query) finds nothing rather than failing."""
    if len(name) > TAG_NAME_MAX or "\x00" in name:
        return Tag.objects.none()
    return Tag.objects.filter(name__iexact=name)


class TagParent(models.Model):
    child = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="child_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="tag_parent_once"),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("parent")), name="tag_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} > {self.child}"
