"""Who is calling: the principal a request acts as."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: which companies it may see and what it may do."""

    key_id: str
    company_ids: frozenset[int]
    scopes: frozenset[str]
