"""Fetch the pinned GraphiQL assets from the npm registry, verified, and rewrite the manifest.

    python -m app.graphiql.refresh_assets

The pins are manifest.json's package, version and file; to bump one, edit its version there and
run this again. Each tarball must match the registry's dist.integrity before anything is kept.
"""

import base64
import hashlib
import io
import re
import shutil
import sys
import tarfile
from dataclasses import dataclass, replace
from urllib.parse import quote

import httpx

from app.graphiql.assets import ASSETS_DIR, MANIFEST, Asset, load_manifest, write_manifest

REGISTRY = "https://registry.npmjs.org"
_LICENSE = re.compile(r"package/(LICEN[CS]E|COPYING)(\.(md|txt))?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Tarball:
    """One package version as the registry gave it, already checked against dist.integrity."""

    url: str
    integrity: str
    repository: str  # normalised: github.com/graphql/graphiql
    data: bytes

    def read(self, name: str) -> bytes | None:
        with tarfile.open(fileobj=io.BytesIO(self.data), mode="r:gz") as archive:
            try:
                member = archive.extractfile(f"package/{name}")
            except KeyError:
                return None
            return None if member is None else member.read()

    def licence(self) -> tuple[str, bytes] | None:
        """The package's LICENSE (its name and bytes), when its tarball has one."""
        with tarfile.open(fileobj=io.BytesIO(self.data), mode="r:gz") as archive:
            for member in archive.getmembers():
                file = archive.extractfile(member) if _LICENSE.fullmatch(member.name) else None
                if file is not None:
                    return member.name.removeprefix("package/"), file.read()
        return None


def sri(algorithm: str, data: bytes) -> str:
    """A Subresource Integrity string: sha384-<base64 digest>."""
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def fetch(http: httpx.Client, package: str, version: str) -> Tarball:
    metadata = http.get(f"{REGISTRY}/{quote(package, safe='@')}/{version}")
    metadata.raise_for_status()
    described = metadata.json()
    dist = described["dist"]
    response = http.get(dist["tarball"])
    response.raise_for_status()
    algorithm = dist["integrity"].split("-", 1)[0]
    if sri(algorithm, response.content) != dist["integrity"]:
        raise ValueError(f"{package}@{version}: the tarball does not match {dist['integrity']}")
    repository = described.get("repository") or {}
    url = repository.get("url", "") if isinstance(repository, dict) else str(repository)
    normalised = re.sub(r"^(git\+)?\w+://|\.git$", "", url).lower()
    return Tarball(dist["tarball"], dist["integrity"], normalised, response.content)


def refresh(pins: tuple[Asset, ...]) -> tuple[Asset, ...]:
    """Everything is fetched and verified first; only then is the assets folder rewritten."""
    with httpx.Client(timeout=60, follow_redirects=True) as http:
        tarballs = {(p.package, p.version): fetch(http, p.package, p.version) for p in pins}
    by_package = {package: tarball for (package, _), tarball in tarballs.items()}
    files: dict[str, bytes] = {}
    fetched: list[Asset] = []
    for pin in pins:
        tarball = tarballs[pin.package, pin.version]
        data = tarball.read(pin.file)
        if data is None:
            raise ValueError(f"{pin.package}@{pin.version} has no {pin.file}")
        licence = tarball.licence()
        lender = by_package.get(pin.license_from)
        if licence is None and lender is not None and lender.repository == tarball.repository:
            licence = lender.licence()
        if licence is None:
            raise ValueError(f"{pin.package}@{pin.version} ships no LICENSE; set license_from")
        asset = replace(
            pin,
            sha256=hashlib.sha256(data).hexdigest(),
            integrity=sri("sha384", data),
            tarball=tarball.url,
            tarball_integrity=tarball.integrity,
            license=f"{pin.folder}/{licence[0]}",
        )
        files[asset.path], files[asset.license] = data, licence[1]
        fetched.append(asset)
        print(f"{asset.path}: {len(data)} bytes, {asset.integrity}", file=sys.stderr)
    for folder in ASSETS_DIR.iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    for path, data in files.items():
        (ASSETS_DIR / path).parent.mkdir(parents=True, exist_ok=True)
        (ASSETS_DIR / path).write_bytes(data)
    return tuple(fetched)


def main() -> None:
    write_manifest(refresh(load_manifest()))
    print(f"wrote {MANIFEST}", file=sys.stderr)


if __name__ == "__main__":
    main()
