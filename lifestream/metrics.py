"""Prometheus metrics at `/metrics`, by the Prometheus project's own Python client.

Per request (`MetricsMiddleware`, first in the chain): the time taken and the database queries
run, by route (the URL pattern's name, so the labels stay few whatever the addresses) and
method, and the answers by status. At each scrape: the filter index's delay behind the change
log and the task queue's depth and oldest wait (`lifestream/health.py` reads the same).

Several worker processes (gunicorn) each count their own requests: set
`PROMETHEUS_MULTIPROC_DIR` to an empty directory writable by the workers, the client's
multi-process mode, and every scrape adds them up. `/metrics` answers the addresses in
`LIFESTREAM_METRICS_ALLOW` only (loopback by default); a request that came through a proxy is
judged by the address the proxy saw.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from lifestream import health

REQUEST_SECONDS = Histogram(
    "lifestream_request_seconds",
    "Time to answer a request, by route and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUEST_QUERIES = Histogram(
    "lifestream_request_queries",
    "Database queries run to answer a request, by route.",
    ["route"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200),
)
RESPONSES = Counter(
    "lifestream_responses",
    "Answers given, by route, method and status code.",
    ["route", "method", "status"],
)


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        route, method = _route(request), request.method or "GET"
        REQUEST_SECONDS.labels(route, method).observe(time.perf_counter() - started)
        REQUEST_QUERIES.labels(route).observe(queries)
        RESPONSES.labels(route, method, str(response.status_code)).inc()
        return response


class ArchiveCollector(Collector):
    """What is read at each scrape rather than counted: the index's lag, the queue."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        behind, lag = health.index_lag()
        yield GaugeMetricFamily(
            "lifestream_index_lag_seconds",
            "How long the oldest change this process's filter index has not applied has waited.",
            value=lag,
        )
        yield GaugeMetricFamily(
            "lifestream_index_behind_changes",
            "Logged changes this process's filter index has not applied yet.",
            value=behind,
        )
        queued, waited = health.queue_depth()
        yield GaugeMetricFamily(
            "lifestream_task_queue_depth", "Tasks ready for the database worker.", value=queued
        )
        yield GaugeMetricFamily(
            "lifestream_task_queue_oldest_seconds",
            "How long the oldest ready task has waited for the worker.",
            value=waited,
        )


_archive = ArchiveCollector()


def _client_address(request: HttpRequest) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        # The last address is the one our own proxy added: who it was talking to.
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def metrics_view(request: HttpRequest) -> HttpResponse:
    if _client_address(request) not in settings.METRICS_ALLOW:
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessMetrics())
    registry.register(_archive)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class _ProcessMetrics(Collector):
    """The default registry's metrics (this process's requests, its memory and CPU)."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


def health_view(request: HttpRequest) -> HttpResponse:
    ok, checks = health.health()
    response = JsonResponse({"status": "ok" if ok else "failing", "checks": checks})
    response.status_code = 200 if ok else 503
    response["Cache-Control"] = "no-store"
    return response
