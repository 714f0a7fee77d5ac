"""The pinned GraphiQL assets: the manifest that names them, and the route that serves them.

Every URL carries the package's version, so a browser may keep a file for a year untouched:
a bump changes the URL, never the bytes behind one.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

ASSETS_DIR = Path(__file__).parent / "assets"
MANIFEST = ASSETS_DIR / "manifest.json"
PREFIX = "/graphiql"  # outside /graphql, so ApiKeyMiddleware lets a browser fetch them keyless
CACHE_CONTROL = "public, max-age=31536000, immutable"
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    """One file of one npm package at a pinned version, and what it hashed to when fetched."""

    package: str
    version: str
    file: str  # its path inside the package, as unpkg names it
    sha256: str = ""
    integrity: str = ""  # the file's SRI hash, for the page's integrity attribute
    tarball: str = ""
    tarball_integrity: str = ""  # the registry's dist.integrity, which the tarball matched
    license: str = ""  # the package's LICENSE, beside the file (relative to ASSETS_DIR)
    # a package whose tarball ships no LICENSE borrows the one of a pinned package from the
    # same repository (the refresh checks that it is the same)
    license_from: str = ""

    @property
    def folder(self) -> str:
        """react@18.2.0, graphiql-plugin-explorer@1.0.2: one folder per package and version."""
        return f"{self.package.removeprefix('@').replace('/', '-')}@{self.version}"

    @property
    def path(self) -> str:
        """Where the file is under ASSETS_DIR, and under PREFIX in a URL."""
        return f"{self.folder}/{self.file}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[PurePosixPath(self.file).suffix]

    def url(self, root_path: str = "") -> str:
        return f"{root_path}{PREFIX}/{self.path}"


def load_manifest(manifest: Path = MANIFEST) -> tuple[Asset, ...]:
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    # "path" is written for the reader; it follows from package, version and file
    return tuple(Asset(**{k: v for k, v in entry.items() if k != "path"}) for entry in entries)


def write_manifest(assets: tuple[Asset, ...], manifest: Path = MANIFEST) -> None:
    entries = [
        {"path": asset.path} | {key: value for key, value in asdict(asset).items() if value}
        for asset in assets
    ]
    manifest.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")


ASSETS = load_manifest()
_BY_PATH = {asset.path: asset for asset in ASSETS}


async def serve_asset(request: Request) -> Response:
    """Only the files the manifest names; anything else under PREFIX is a 404."""
    asset = _BY_PATH.get(request.path_params["path"])
    if asset is None:
        raise HTTPException(404, "no such GraphiQL asset")
    headers = {"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    return FileResponse(ASSETS_DIR / asset.path, media_type=asset.content_type, headers=headers)
