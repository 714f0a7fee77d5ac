"""Who is calling: API keys (made, hashed, read from headers) and the principal of a request."""

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

SCOPES = ("order.read", "order.write", "order.bulkwrite", "webhook.manage", "admin")
KEY_PREFIX = "oak_"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: which companies it may see and what it may do."""

    key_id: str
    company_ids: frozenset[int]
    scopes: frozenset[str]
    # the api_keys row, so a long-lived subscription can see its revocation; None for no key
    api_key_id: int | None = None

    def allows(self, scope: str) -> bool:
        """`admin` holds every scope."""
        return scope in self.scopes or "admin" in self.scopes


@dataclass(frozen=True, slots=True)
class NewKey:
    plain: str  # shown once, never stored
    prefix: str  # stored, to recognise a key in listings
    digest: str  # stored


def new_key() -> NewKey:
    """256 random bits: a plain SHA-256 suffices (no dictionary to guess from, unlike passwords)."""
    prefix = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(plain=plain, prefix=prefix, digest=digest(plain))


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def credentials(headers: Mapping[bytes, bytes]) -> str | None:
    """The key from `Authorization: Bearer <key>` or `x-api-key: <key>`, if either is present."""
    authorization = headers.get(b"authorization", b"").decode("latin-1").strip()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    api_key = headers.get(b"x-api-key", b"").decode("latin-1").strip()
    return api_key or None
