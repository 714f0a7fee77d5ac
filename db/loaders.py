"""This request's DataLoaders, built on demand from the read graph and limited to its companies."""

from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from db import graph
from db.base import Base
from db.pagination import Page, PageRequest


class Loaders:
    """One loader per table (by id) and per link (children, pages, counts), made on first use.

    Every by-id loader filters on the caller's companies; children are only ever asked for on
    behalf of a parent that already passed that filter.
    """

    def __init__(self, session: AsyncSession, *, company_ids: frozenset[int]) -> None:
        self._session = session
        self.company_ids = company_ids
        self._loaders: dict[object, DataLoader[Any, Any]] = {}

    def by_id(self, model: type[Base]) -> DataLoader[int, Any]:
        return self._get(model, partial(self._load_by_id, model))

    def children(self, link: graph.Children) -> DataLoader[int, list[Any]]:
        return self._get(link, partial(self._load_children, link))

    def pages(self, link: graph.PagedChildren) -> DataLoader[tuple[int, PageRequest], Page]:
        return self._get(("pages", link), partial(self._load_pages, link))

    def counts(self, link: graph.PagedChildren) -> DataLoader[int, int]:
        return self._get(("counts", link), partial(self._load_counts, link))

    def keyed(self, key: str, load_fn: Any) -> DataLoader[Any, Any]:
        """A loader outside the read graph (e.g. sync states), made once per request by `key`."""
        return self._get(("keyed", key), load_fn)

    def prime(self, model: type[Base], rows: Sequence[Any]) -> None:
        """Rows a list query already read need no second SELECT when a node asks for them."""
        loader = self.by_id(model)
        for row in rows:
            loader.prime(row.id, row)

    def after_write(self, model: type[Base], row: Any) -> None:
        """A written row replaces its cached copy, and cached children may be stale: drop them."""
        self.by_id(model).prime(row.id, row, force=True)
        for key, loader in self._loaders.items():
            if not isinstance(key, type):
                loader.clear_all()

    def _get(self, key: object, load_fn: Any) -> DataLoader[Any, Any]:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = DataLoader(load_fn=load_fn)
        return loader

    async def _load_by_id(self, model: type[Base], ids: list[int]) -> list[Any]:
        found = await graph.rows_by_ids(self._session, model, ids, company_ids=self.company_ids)
        return [found.get(row_id) for row_id in ids]

    async def _load_children(self, link: graph.Children, parent_ids: list[int]) -> list[Any]:
        found = await graph.rows_by_parent_ids(self._session, link, parent_ids)
        return [found.get(parent_id, []) for parent_id in parent_ids]

    async def _load_pages(
        self, link: graph.PagedChildren, keys: list[tuple[int, PageRequest]]
    ) -> list[Page]:
        """Parents asking for the same page arguments share one windowed SELECT."""
        by_request: dict[PageRequest, list[int]] = {}
        for parent_id, request in keys:
            by_request.setdefault(request, []).append(parent_id)
        pages: dict[tuple[int, PageRequest], Page] = {}
        for request, parent_ids in by_request.items():
            found = await graph.pages_by_parent_ids(
                self._session, link, parent_ids, request, company_ids=self.company_ids
            )
            pages.update(((parent_id, request), page) for parent_id, page in found.items())
        return [pages[key] for key in keys]

    async def _load_counts(self, link: graph.PagedChildren, parent_ids: list[int]) -> list[int]:
        found = await graph.counts_by_parent_ids(
            self._session, link, parent_ids, company_ids=self.company_ids
        )
        return [found.get(parent_id, 0) for parent_id in parent_ids]
