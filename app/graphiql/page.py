"""Strawberry's GraphiQL page, pointed at the assets this package serves instead of unpkg."""

import json
import logging
import re
from functools import cache

from app.graphiql.assets import ASSETS

log = logging.getLogger(__name__)

# Strawberry's page loads <script src> and <link href> from unpkg, with crossorigin and
# integrity attributes; a tag is rewritten whole so all three change together
_TAG = re.compile(r"<(?:script|link)\b[^>]*>")
_UNPKG = re.compile(
    r'"https://unpkg\.com/(?P<package>(?:@[^/"]+/)?[^@/"]+)@(?P<version>[^/"]+)/(?P<file>[^"]+)"'
)
_BY_FILE = {(asset.package, asset.file): asset for asset in ASSETS}
HEADERS_HINT = '{"Authorization": "Bearer <your API key>"}'


def _local(tag: re.Match[str], root_path: str) -> str:
    text = tag.group()
    remote = _UNPKG.search(text)
    if remote is None:
        return text
    asset = _BY_FILE.get((remote["package"], remote["file"]))
    if asset is None:
        # the page still works online; tests/graphiql fails on it so the manifest is updated
        log.warning("GraphiQL asset %s is not in the manifest", remote.group())
        return text
    if asset.version != remote["version"]:
        asked = remote["version"]
        log.warning("GraphiQL asks for %s@%s, serving %s", asset.package, asked, asset.version)
    text = text[: remote.start()] + f'"{asset.url(root_path)}"' + text[remote.end() :]
    text = re.sub(r'\s+crossorigin(?:="[^"]*")?(?=[\s>/])', "", text)  # same origin now
    return re.sub(r'integrity="[^"]*"', f'integrity="{asset.integrity}"', text)


@cache
def local_page(strawberry_page: str, root_path: str = "") -> str:
    """The page with every unpkg asset served from here, and the key's place in the headers."""
    page = _TAG.sub(lambda tag: _local(tag, root_path), strawberry_page)
    return page.replace(
        "React.useState(parameters.headers)",
        f"React.useState(parameters.headers || {json.dumps(HEADERS_HINT)})",
    )
