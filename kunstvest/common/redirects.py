"""Where a visitor may be sent back to after an action."""

from urllib.parse import urlsplit


def local_target(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: a visitor is never redirected off-site."""
    target = (target or "").strip()
    parts = urlsplit(target)
    # Browsers read a backslash as a slash, so "/\evil.example" would leave the site like "//evil.example".
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and not parts.netloc \
            and not parts.scheme:
        return target
    return default
