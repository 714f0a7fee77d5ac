"""README.md's examples, run as written on a freshly seeded demo database, so they cannot drift.

The tour's GraphQL goes through the schema; the import example files through `orders-api import`.
"""

import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import GraphQLInputObjectType, Undefined, is_non_null_type
from sqlalchemy.ext.asyncio import create_async_engine

from app.auth import Principal
from app.context import build_context
from app.settings import Settings
from db import models
from db.engine import LockedAsyncSession
from db.scratch import scratch_database
from db.seed_demo import seed_demo
from resolvers.roots.schema import schema

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "tests" / "import_examples"
CLI = str(Path(sys.executable).with_name("orders-api"))
ADMIN = frozenset({"admin"})


def section(title: str) -> str:
    """The README's text under `## title`, up to the next section of that level."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


TOUR = re.findall(r"```graphql\n(.*?)```", section("A tour"), flags=re.DOTALL)


@pytest.fixture(scope="module")
async def demo(server_url: str) -> AsyncIterator[str]:
    """A database of its own, seeded as `orders-api seed-demo` seeds it (the same 10,000 orders)."""
    async with scratch_database(server_url, "readme_demo") as url:
        await seed_demo(url)
        yield url


def payload_errors(value: Any) -> Iterator[Any]:
    """Every non-empty `errors` list anywhere in a result's data."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "errors" and item:
                yield item
            yield from payload_errors(item)
    elif isinstance(value, list):
        for item in value:
            yield from payload_errors(item)


def test_the_tour_has_examples():
    assert len(TOUR) >= 2
    assert any(block.lstrip().startswith("mutation") for block in TOUR)


async def test_every_tour_example_works_on_the_demo_data(demo: str) -> None:
    engine = create_async_engine(demo)
    settings = Settings(database_url=demo, _env_file=None)  # type: ignore[call-arg]
    try:
        for document in TOUR:  # in the README's order, as a newcomer pastes them
            async with LockedAsyncSession(bind=engine, expire_on_commit=False) as session:
                companies = frozenset(await session.scalars(sa.select(models.Company.id)))
                principal = Principal(key_id="readme", company_ids=companies, scopes=ADMIN)
                context = build_context(session, principal, settings, "readme")
                result = await schema.execute(document, context_value=context)
            assert result.errors is None, (document, result.errors)
            assert result.data, document
            assert list(payload_errors(result.data)) == [], document
            assert None not in result.data.values(), document
            if "orders" in result.data:  # a query that finds nothing would show a newcomer nothing
                assert result.data["orders"]["edges"], document
    finally:
        await engine.dispose()


def import_file(name: str, folder: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """`orders-api import` on a copy, so the failures file is not written into the checkout."""
    copy = folder / name
    shutil.copy(EXAMPLES / name, copy)
    env = os.environ | {"DATABASE_URL": database_url}
    return subprocess.run(
        [CLI, "import", str(copy)], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("name", ["orders.jsonl", "orders.csv"])
async def test_the_example_import_files_import_into_the_demo_data(
    demo: str, tmp_path: Path, name: str
) -> None:
    done = await asyncio.to_thread(import_file, name, tmp_path, demo)

    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"orders-api: [1-9]\d* created, 0 updated, 0 unchanged, 0 failed", done.stdout)


def documented_fields(title: str) -> list[str]:
    """The first column of each row of the Import files table whose header cell is `title`."""
    table = section("Import files").split(f"| {title} |", 1)[1].split("\n\n", 1)[0]
    rows = [row for row in table.splitlines()[2:] if row.startswith("|")]
    return [name for row in rows for name in re.findall(r"`([\w.]+)`", row.split("|")[1])]


def test_the_documented_import_fields_exist_in_the_schema():
    order_type = schema._schema.type_map["ImportOrderInput"]
    line_type = schema._schema.type_map["ImportOrderLineInput"]
    assert isinstance(order_type, GraphQLInputObjectType)
    assert isinstance(line_type, GraphQLInputObjectType)
    order_fields = documented_fields("order field")
    line_fields = documented_fields("line field")

    assert order_fields
    assert line_fields
    assert set(order_fields) <= set(order_type.fields)
    assert set(line_fields) <= set(line_type.fields)
    assert required_fields(order_type) <= set(order_fields)
    assert required_fields(line_type) <= set(line_fields)


def required_fields(input_type: GraphQLInputObjectType) -> set[str]:
    return {
        name
        for name, field in input_type.fields.items()
        if is_non_null_type(field.type) and field.default_value is Undefined
    }
