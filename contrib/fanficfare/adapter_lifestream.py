"""A FanFicFare adapter for Lifestream archives.

Lifestream speaks AO3's dialect, so FanFicFare's adapter for OTW-software archives reads it as
it is; all this adds is the archive's domain, which every Lifestream deployer chooses, so it
comes from the environment (`LIFESTREAM_DOMAINS`, comma-separated) or from the story URLs on
the command line rather than from the code.

Run it exactly like the `fanficfare` command (same options, same personal.ini):

    LIFESTREAM_DOMAINS=archive.example.org python adapter_lifestream.py -f epub \\
        https://archive.example.org/works/123

or, from Python, `register("archive.example.org")` before using FanFicFare's API.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from fanficfare import adapters, exceptions
from fanficfare.adapters.base_otw_adapter import BaseOTWAdapter

# Settings every Lifestream archive needs, applied under what the user's personal.ini says.
# FanFicFare's defaults.ini has them for each OTW archive it knows by name; without
# extra_valid_entries it would drop the fandoms, additional tags and stats it reads.
DEFAULTS = """
extra_valid_entries: fandoms, freeformtags, freefromtags, ao3categories, comments,
 chapterslashtotal, chapterstotal, kudos, hits, bookmarks, collections, collectionsUrl,
 collectionsHTML, byline, bookmarked, bookmarktags, bookmarksummary, bookmarkprivate,
 bookmarkrec, subscribed, markedforlater, restricted, series00, series01, series02, series03,
 series00Url, series01Url, series02Url, series03Url, series00HTML, series01HTML, series02HTML,
 series03HTML
fandoms_label: Fandoms
freeformtags_label: Additional Tags
freefromtags_label: Additional Tags
ao3categories_label: Categories
comments_label: Comments
chapterslashtotal_label: Chapters/Total Chapters
chapterstotal_label: Total Chapters
kudos_label: Kudos
hits_label: Hits
bookmarks_label: Bookmarks
collections_label: Collections
collectionsHTML_label: Collections
restricted_label: Restricted to Registered Users
series00HTML_label: Series
series01HTML_label: Additional Series
series02HTML_label: Additional Series
series03HTML_label: Additional Series
keep_in_order_collections: true
keep_in_order_collectionsUrl: true
make_linkhtml_entries: series00, series01, series02, series03, collections
include_in_genre: genre, freeformtags, ao3categories
include_in_category: category, fandoms
include_in_freefromtags: freeformtags
include_in_chapterstotal: chapterslashtotal.NOREPL
add_to_replace_metadata:
 chapterstotal=>^([0-9])+/(.+)$=>\\2
"""

# The ini section that applies to every Lifestream archive; [DOMAIN] sections override it.
SECTION = "lifestream"


class LifestreamAdapter(BaseOTWAdapter):
    """An OTW adapter for one Lifestream archive; `adapter_for` makes one per domain."""

    domain = ""

    def __init__(self, config: Any, url: str) -> None:
        _add_defaults(config)
        super().__init__(config, url)
        self.story.setMetadata("siteabbrev", "lifestream")

    @classmethod
    def getConfigSections(cls) -> list[str]:
        return ["base_otw", SECTION, cls.getConfigSection()]


def _add_defaults(config: Any) -> None:
    if not config.has_section(SECTION):
        config.add_section(SECTION)
    defaults = configparser.ConfigParser(interpolation=None)
    defaults.read_string(f"[{SECTION}]\n{DEFAULTS}")
    for key, value in defaults.items(SECTION, raw=True):
        if not config.has_option(SECTION, key):
            config.set(SECTION, key, value)
    config.reset_cached_config()


def adapter_for(domain: str) -> type[LifestreamAdapter]:
    """A LifestreamAdapter subclass for the archive at `domain` (a host name, no scheme)."""
    domain = domain.strip().lower()
    name = "LifestreamAdapter_" + re.sub(r"\W", "_", domain)
    return type(
        name,
        (LifestreamAdapter,),
        {"domain": domain, "getSiteDomain": staticmethod(lambda: domain)},
    )


def register(domain: str) -> type[LifestreamAdapter]:
    """Make FanFicFare download works from the Lifestream archive at `domain`."""
    cls = adapter_for(domain)
    # FanFicFare keeps its adapters in these two module-level registries and fills them at
    # import time from its own adapter modules; an adapter from outside joins them the same way.
    registry = vars(adapters)
    known = registry["__domain_map"]
    for site in cls.getAcceptDomains():
        if site in known and not any(issubclass(c, LifestreamAdapter) for c in known[site]):
            raise ValueError(f"{site} already has a FanFicFare adapter of its own")
        known[site] = [cls]
    classes = registry["__class_list"]
    classes[:] = [c for c in classes if getattr(c, "domain", None) != cls.domain] + [cls]
    return cls


def domains_from(environ: Mapping[str, str], argv: list[str]) -> list[str]:
    """The domains named in LIFESTREAM_DOMAINS, and those of work URLs on the command line
    that FanFicFare has no adapter for."""
    named = [d.strip() for d in environ.get("LIFESTREAM_DOMAINS", "").split(",") if d.strip()]
    for arg in argv:
        match = re.match(r"https?://([^/]+)/(?:collections/[^/]+/)?(?:works|chapters)/\d", arg)
        if match:
            try:
                adapters.getConfigSectionsFor(arg)
            except exceptions.UnknownSite:
                named.append(match.group(1))
    return list(dict.fromkeys(d.lower() for d in named))


def main(argv: list[str] | None = None) -> None:
    """FanFicFare's command line, with the Lifestream archives registered first."""
    from fanficfare import cli

    argv = sys.argv[1:] if argv is None else argv
    for domain in domains_from(os.environ, argv):
        register(domain)
    cli.main(argv)


if __name__ == "__main__":
    main()
