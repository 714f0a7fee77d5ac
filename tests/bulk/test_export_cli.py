"""`orders-api export`: a company's orders (changed since a moment) to a file, with a summary."""

import asyncio
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.cli import main
from app.settings import get_settings
from db import models
from tests.factories import Factory


@pytest.fixture
def cli(monkeypatch, database_url, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()

    async def run(*args: str) -> tuple[int, str, str]:
        try:
            await asyncio.to_thread(main, ["export", *args])
            code = 0
        except SystemExit as exit:
            code = int(exit.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    get_settings.cache_clear()


async def test_the_cli_exports_one_companys_orders_changed_since(cli, caller, shops, tmp_path):
    async with caller.sessions() as session:
        factory = Factory(session)
        line = [(shops[0].products[0], 2, Decimal("3.00"))]
        old = await factory.order(shops[0].company, shops[0].client, line)
        new = await factory.order(shops[0].company, shops[0].client, line)
        await factory.order(
            shops[1].company, shops[1].client, [(shops[1].products[0], 1, Decimal("1"))]
        )
        past = datetime.now(UTC) - timedelta(days=30)
        await session.execute(
            sa.update(models.Order).where(models.Order.id == old.id).values(updated_at=past)
        )
        await session.commit()
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    output = tmp_path / "out.jsonl"

    code, out, _ = await cli("--format", "jsonl", "--company", "BULKA", "--updated-since", since,
                             "--output", str(output))  # fmt: skip

    assert code == 0
    assert "1 orders written" in out
    assert [json.loads(text)["number"] for text in output.read_text().splitlines()] == [new.number]

    xml_file = tmp_path / "all.xml"
    code, _, _ = await cli("--format", "xml", "--company", "BULKA", "--output", str(xml_file))
    assert code == 0
    root = ET.parse(xml_file).getroot()
    numbers = [item.findtext("numOrder") for item in root.findall("data/item")]
    assert numbers == [old.number, new.number]


async def test_an_unknown_company_or_a_naive_instant_is_refused(cli, shops, tmp_path):
    code, _, err = await cli(
        "--format", "xml", "--company", "NOPE", "--output", str(tmp_path / "x")
    )
    assert (code, err.strip()) == (2, "orders-api: no company with code NOPE")
    code, _, err = await cli("--format", "xml", "--updated-since", "2025-01-01T00:00:00")
    assert code == 2
    assert "needs a zone" in err
