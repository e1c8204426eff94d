"""Regenerate the README's pictures of the home page, a work page and the works listing.

Each page is taken at desktop width (1280 px) and phone width (390 px), as
docs/screenshot-PAGE-WIDTH.png (PAGE: home, work, works; WIDTH: desktop, phone).

Start an archive with the sample content first (`make run` serves it on http://127.0.0.1:8000),
then run:

    .venv/bin/python docs/make_screenshot.py [BASE_URL] [--work ID] [--out-dir DIR]

The script needs Playwright (the `dev` extra: `pip install -e '.[dev]'`) and a Chromium:
$LIFESTREAM_CHROMIUM, else `chromium` or `chromium-browser` on the PATH.
It never downloads a browser.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Page, ViewportSize, sync_playwright

DOCS = Path(__file__).resolve().parent
# The hand-written sample work with three chapters, notes and end notes, rated General Audiences.
PREFERRED_TITLE = "What the Orchard Keeps"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADULT_RATINGS = {"Mature", "Explicit"}
MAX_LISTING_PAGES = 10


def chromium_executable() -> str:
    path = (
        os.environ.get("LIFESTREAM_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path or not os.path.exists(path):
        sys.exit(
            "Chromium not found: install it (apt-get install chromium) or set LIFESTREAM_CHROMIUM"
        )
    return path


def find_multi_chapter_work(page: Page, base_url: str) -> str:
    """The work page URL of the preferred sample work, else of the first listed work with two or
    more chapters that does not need the adult-content notice."""
    fallback = ""
    for number in range(1, MAX_LISTING_PAGES + 1):
        response = page.goto(urljoin(base_url, f"works?page={number}"))
        if response is None or not response.ok:
            break
        blurbs = page.locator("li.work.blurb")
        if blurbs.count() == 0:
            break
        for index in range(blurbs.count()):
            blurb = blurbs.nth(index)
            link = blurb.locator("h4.heading a").first
            title = link.inner_text().strip()
            chapters = blurb.locator("dd.chapters").inner_text().strip()
            rating = blurb.locator("span.rating").first.get_attribute("title") or ""
            href = urljoin(base_url, link.get_attribute("href") or "")
            if title == PREFERRED_TITLE:
                return href
            posted = int(chapters.split("/")[0] or 0)
            if not fallback and posted >= 2 and rating not in ADULT_RATINGS:
                fallback = href
        if page.locator("a[rel=next]").count() == 0:
            break
    if not fallback:
        sys.exit(f"No multi-chapter work found at {base_url}; load the sample content first.")
    return fallback


PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--work", type=int, help="work id to show (default: found in the listing)")
    parser.add_argument("--out-dir", type=Path, default=DOCS)
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/") + "/"
    args.out_dir.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS
        )
        finder = browser.new_page(viewport=DESKTOP)
        if args.work:
            work_url = urljoin(base_url, f"works/{args.work}")
        else:
            work_url = find_multi_chapter_work(finder, base_url)
        finder.close()
        # view_adult=true skips the notice should the chosen work be rated Mature or Explicit.
        pages = {
            "home": base_url,
            "work": f"{work_url}?view_adult=true",
            "works": urljoin(base_url, "works"),
        }
        for width_name, viewport, phone in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
            context = browser.new_context(
                viewport=viewport, is_mobile=phone, has_touch=phone, color_scheme="light"
            )
            page = context.new_page()
            for page_name, url in pages.items():
                page.goto(url)
                page.wait_for_load_state("networkidle")
                if page_name == "work" and not re.search(r"/works/\d+", page.url):
                    sys.exit(f"Expected a work page, got {page.url}")
                out = args.out_dir / f"screenshot-{page_name}-{width_name}.png"
                page.screenshot(path=str(out))
                print(f"{url} ({viewport['width']}px) -> {out}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
