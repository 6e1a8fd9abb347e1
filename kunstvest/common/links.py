"""Absolute links for mail, built from the configured PUBLIC_URL and never from the request's Host."""

from urllib.parse import urlsplit

from flask import current_app


def public_url_for(endpoint: str, **values) -> str:
    """An absolute URL for `endpoint` on the site's public address; works in requests, the CLI and the worker."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    # Host and X-Forwarded-Host are chosen by whoever sends the request: a mailed link must not follow them.
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path.rstrip("/") or "/",
                                       url_scheme=public.scheme)
    return adapter.build(endpoint, values, force_external=True)
