"""Reading settings: how a reader wants story text shown — face, size, line spacing, width,
theme — and whether creators' work skins apply. Everyone has them, without an account (a
cookie); a logged-in reader's are kept in their account too, so they follow them between
devices. Values are only ever one of the listed choices: a tampered cookie reads as defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.utils.translation import gettext_lazy as _

COOKIE = "reading"
COOKIE_MAX_AGE = 365 * 24 * 3600

FONTS = {
    "serif": _("Serif"),
    "sans": _("Sans serif"),
    "dyslexic": _("OpenDyslexic (made for readers with dyslexia)"),
}
SIZES = {str(size): f"{size}%" for size in (80, 90, 100, 110, 125, 150, 175, 200)}
SPACINGS = {
    "tight": _("Tight"),
    "normal": _("Normal"),
    "relaxed": _("Relaxed"),
    "loose": _("Loose"),
}
WIDTHS = {"narrow": _("Narrow"), "medium": _("Medium"), "wide": _("Wide"), "full": _("Full width")}
THEMES = {
    "auto": _("Follow my device (light or dark)"),
    "light": _("Light"),
    "sepia": _("Sepia"),
    "dark": _("Dark"),
    "contrast": _("High contrast"),
}
# What each choice sets, as CSS custom properties on the page (`base.html`).
LINE_HEIGHTS = {"tight": "1.45", "normal": "1.75", "relaxed": "2", "loose": "2.3"}
MEASURES = {"narrow": "34rem", "medium": "42rem", "wide": "54rem", "full": "none"}


@dataclass(frozen=True)
class ReadingSettings:
    font: str = "serif"
    size: str = "100"
    spacing: str = "normal"
    width: str = "medium"
    theme: str = "auto"
    hide_style: bool = False
    site_skin: str = ""  # a site skin's id (`works.skins`), checked when it is applied

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> ReadingSettings:
        """Settings from stored or submitted values; anything unknown keeps its default."""
        default = cls()

        def pick(name: str, choices: dict[str, Any]) -> str:
            value = str(values.get(name, ""))
            return value if value in choices else getattr(default, name)

        hide = values.get("hide_style")
        skin = str(values.get("site_skin") or "")
        return cls(
            site_skin=skin if skin.isascii() and skin.isdecimal() and len(skin) <= 12 else "",
            font=pick("font", FONTS),
            size=pick("size", SIZES),
            spacing=pick("spacing", SPACINGS),
            width=pick("width", WIDTHS),
            theme=pick("theme", THEMES),
            hide_style=hide is True or str(hide).lower() in {"1", "true", "on", "yes"},
        )

    @classmethod
    def from_cookie(cls, value: str) -> ReadingSettings:
        return cls.from_mapping(dict(parse_qsl(value[:500])))

    def to_cookie(self) -> str:
        return urlencode({**asdict(self), "hide_style": "1" if self.hide_style else "0"})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_default(self) -> bool:
        return self == ReadingSettings()

    @property
    def css_variables(self) -> str:
        """The page's custom properties for these settings (only known values, so safe to put
        in a `style` attribute)."""
        scale = int(self.size) / 100
        return (
            f"--reading-scale: {scale:g}; --reading-leading: {LINE_HEIGHTS[self.spacing]}; "
            f"--measure: {MEASURES[self.width]};"
        )


def settings_for(user: Any, cookie: str) -> ReadingSettings:
    """A reader's settings: their account's when they saved some there, else the cookie's."""
    stored = getattr(user, "reading_settings", None) if user.is_authenticated else None
    if stored:
        return ReadingSettings.from_mapping(stored)
    return ReadingSettings.from_cookie(cookie)


def settings_of_request(request: Any) -> ReadingSettings:
    """The settings of a request's reader, read once per request: every page's context
    processors and the work page all ask."""
    cached = getattr(request, "_reading_settings", None)
    if cached is None:
        cached = settings_for(request.user, request.COOKIES.get(COOKIE, ""))
        request._reading_settings = cached
    return cached
