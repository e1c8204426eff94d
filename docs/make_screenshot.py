"""Regenerate docs/screenshot-work.png, the README's picture of a multi-chapter work page.

Start an archive with the sample content first (`make run` serves it on http://127.0.0.1:8000),
then run:

    .venv/bin/python docs/make_screenshot.py [BASE_URL] [--work ID] [--mobile mobile.png]

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

from playwright.sync_api import Page, sync_playwright

DOCS = Path(__file__).resolve().parent
DEFAULT_OUT = DOCS / "screenshot-work.png"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--work", type=int, help="work id to show (default: found in the listing)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--mobile", type=Path, help="also save a 390px-wide full-page screenshot")
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/") + "/"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height}, color_scheme="light"
        )
        page = context.new_page()
        if args.work:
            url = urljoin(base_url, f"works/{args.work}")
        else:
            url = find_multi_chapter_work(page, base_url)
        # view_adult=true skips the notice should the chosen work be rated Mature or Explicit.
        url = f"{url}?view_adult=true"
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if not re.search(r"/works/\d+", page.url):
            sys.exit(f"Expected a work page, got {page.url}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        print(f"{url} -> {args.out}")

        if args.mobile:
            mobile = browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                color_scheme="light",
            )
            phone = mobile.new_page()
            phone.goto(url)
            phone.wait_for_load_state("networkidle")
            phone.screenshot(path=str(args.mobile), full_page=True)
            print(f"{url} (390px) -> {args.mobile}")
        browser.close()


if __name__ == "__main__":
    main()
