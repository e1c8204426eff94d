"""The API's one NinjaAPI: its routers, and the error handlers that keep every answer JSON."""

from __future__ import annotations

from ninja import NinjaAPI

from . import (
    blocks,
    bookmarks,
    challenges,
    collections,
    comments,
    credits,
    errors,
    imports,
    kudos,
    news,
    people,
    related,
    series,
    subscriptions,
    tags,
    works,
)

api = NinjaAPI(
    title="Lifestream API",
    version="1",
    description=(
        "Read and post works and chapters. Authenticate with `Authorization: Bearer <token>` "
        "(`manage.py create_api_token USERNAME`); reads work without a token, as a logged-out "
        'visitor. Errors are `{"errors": [{"field", "code", "message"}]}`.'
    ),
    urls_namespace="api",
    parser=errors.StrictJsonParser(),
)
errors.install(api)
api.add_router("", people.router)
api.add_router("", works.router)
api.add_router("", tags.router)
api.add_router("", comments.router)
api.add_router("", kudos.router)
api.add_router("", bookmarks.router)
api.add_router("", subscriptions.router)
api.add_router("", blocks.router)
api.add_router("", imports.router)
api.add_router("", series.router)
api.add_router("", credits.router)
api.add_router("", related.router)
api.add_router("", news.router)
api.add_router("", collections.router)
api.add_router("", challenges.router)
