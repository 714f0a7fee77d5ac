"""GraphiQL without internet: the page names only this server, which serves every file it names."""

import base64
import hashlib
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from strawberry.http.ides import get_graphql_ide_html

from app.graphiql.assets import ASSETS, ASSETS_DIR, MANIFEST
from app.settings import Settings
from tests.access.conftest import http, running

ROOT = Path(__file__).resolve().parents[2]
BROWSER = {"accept": "text/html"}


class References(HTMLParser):
    """Every src and href in a page, with the tag's integrity attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for attribute in ("src", "href"):
            if named.get(attribute):
                self.found.append((named[attribute] or "", named.get("integrity")))


def references(page: str) -> list[tuple[str, str | None]]:
    parser = References()
    parser.feed(page)
    return parser.found


def sri384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, bulk_worker_enabled=False, _env_file=None)  # type: ignore[call-arg]


async def test_the_page_names_no_url_off_this_server(settings):
    async with running(settings) as app, http(app) as client:
        page = (await client.get("/graphql", headers=BROWSER)).text
    found = references(page)
    assert len(found) >= len(ASSETS)
    remote = [
        url
        for url, _ in found
        if not url.startswith("data:") and (urlsplit(url).scheme or urlsplit(url).netloc)
    ]
    assert remote == []
    assert "unpkg" not in page
    assert "Bearer <your API key>" in page  # the hint for the headers editor stays


async def test_every_file_the_page_names_is_served_keyless_with_its_bytes(settings):
    async with running(settings) as app, http(app) as client:  # no API key
        page = (await client.get("/graphql", headers=BROWSER)).text
        named = [(url, sri) for url, sri in references(page) if url.startswith("/")]
        served = {url: (await client.get(url), sri) for url, sri in named}
    assert {urlsplit(url).path for url in served} == {asset.url() for asset in ASSETS}
    for asset in ASSETS:
        response, integrity = served[asset.url()]
        assert response.status_code == 200, asset.url()
        assert response.content == (ASSETS_DIR / asset.path).read_bytes()
        assert hashlib.sha256(response.content).hexdigest() == asset.sha256
        assert integrity == sri384(response.content) == asset.integrity
        assert response.headers["content-type"] == asset.content_type
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql/nothing.js",
        "/graphiql/react@18.2.0/LICENSE",
        "/graphiql/manifest.json",
        "/graphiql/../main.py",
        "/graphiql/react@18.2.0/../../page.py",
    ],
)
async def test_only_the_manifests_files_are_served(settings, path):
    async with running(settings) as app, http(app) as client:
        response = await client.get(path)
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_with_introspection_off_neither_the_page_nor_its_files_are_served(settings):
    public = settings.model_copy(update={"introspection_enabled": False})
    async with running(public) as app, http(app) as client:
        page = await client.get("/graphql", headers=BROWSER)
        assets = [await client.get(asset.url()) for asset in ASSETS]
    assert page.status_code == 404
    assert {response.status_code for response in assets} == {404}


def test_the_manifest_matches_the_files_and_each_has_its_licence():
    for asset in ASSETS:
        data = (ASSETS_DIR / asset.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == asset.sha256, asset.path
        assert sri384(data) == asset.integrity, asset.path
        assert asset.tarball_integrity.startswith("sha512-")
        assert (ASSETS_DIR / asset.license).read_text(encoding="utf-8").strip(), asset.license
    on_disk = {p.relative_to(ASSETS_DIR).as_posix() for p in ASSETS_DIR.rglob("*") if p.is_file()}
    named = {MANIFEST.name} | {a.path for a in ASSETS} | {a.license for a in ASSETS}
    assert on_disk == named, "stray or missing files: run python -m app.graphiql.refresh_assets"


def test_a_non_editable_install_gets_every_asset():
    """The package-data globs in pyproject.toml cover every file of the assets folder."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package = ASSETS_DIR.parent
    covered = {
        path
        for pattern in config["tool"]["setuptools"]["package-data"]["app.graphiql"]
        for path in package.glob(pattern)
        if path.is_file()
    }
    assert covered == {path for path in ASSETS_DIR.rglob("*") if path.is_file()}


def test_the_manifest_pins_the_versions_strawberrys_page_asks_for():
    """A Strawberry upgrade that moves GraphiQL's versions fails here: bump the manifest too."""
    strawberry_page = get_graphql_ide_html("graphiql")
    asked = set(
        re.findall(
            r"https://unpkg\.com/((?:@[^/\"]+/)?[^@/\"]+)@([^/\"]+)/([^\"]+)", strawberry_page
        )
    )
    assert asked == {(asset.package, asset.version, asset.file) for asset in ASSETS}
