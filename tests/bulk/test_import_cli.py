"""`orders-api import FILE`: JSON Lines and CSV, a summary, a failures file, safe to re-run."""

import asyncio
import json
import re

import pytest

from app.cli import main
from app.importer import ImportFileError, read_orders
from app.settings import get_settings


def order_line(n: int, product: str = "P0", status: str = "DELIVERED") -> str:
    order = {
        "companyCode": "BULKA",
        "source": "FILE",
        "externalId": f"F{n}",
        "clientCode": "CLI1",
        "status": status,
        "orderedAt": "2025-01-15",
        "lines": [{"productCode": product, "quantity": 2}],
    }
    return json.dumps(order) + "\n"


@pytest.fixture
def cli(monkeypatch, database_url, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()

    async def run(path) -> str:
        await asyncio.to_thread(main, ["import", str(path)])  # the CLI runs its own event loop
        return capsys.readouterr().out

    yield run
    get_settings.cache_clear()


async def test_a_json_lines_file_is_imported_with_a_summary_and_its_failures(cli, shops, tmp_path):
    source = tmp_path / "orders.jsonl"
    source.write_text(
        order_line(1) + order_line(2, product="NOPE") + order_line(3, status="NO_STATUS")
    )

    out = await cli(source)

    assert "1 created, 0 updated, 0 unchanged, 2 failed" in out
    failures = [json.loads(line) for line in (tmp_path / "orders.jsonl.failures.jsonl").open()]
    assert [(f["line"], f["externalId"]) for f in failures] == [(3, "F3"), (2, "F2")]
    assert failures[1]["errors"][0]["field"] == "lines.0.productCode"
    assert "status" in failures[0]["errors"][0]["message"]


async def test_running_the_same_file_again_duplicates_nothing(cli, shops, tmp_path):
    source = tmp_path / "orders.jsonl"
    source.write_text("".join(order_line(n) for n in range(5)))

    await cli(source)
    again = await cli(source)

    assert "0 created, 0 updated, 5 unchanged, 0 failed" in again


async def test_a_csv_file_groups_its_rows_into_orders(cli, shops, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text(
        "companyCode,source,externalId,clientCode,status,orderedAt,line.productCode,line.quantity\n"
        "BULKA,CSV,C1,CLI1,PENDING,2025-02-01,P0,2\n"
        "BULKA,CSV,C1,CLI1,PENDING,2025-02-01,P1,5\n"
        "BULKA,CSV,C2,CLI1,PENDING,2025-02-01,P2,1\n"
    )

    out = await cli(source)

    assert "2 created, 0 updated, 0 unchanged, 0 failed" in out
    records = read_orders(source)
    assert [len(record.order["lines"]) for record in records] == [2, 1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.txt", "hello", "give a .jsonl (JSON Lines) or a .csv file"),
        ("orders.jsonl", '{"a":\n', "orders.jsonl:1: not JSON"),
        ("orders.jsonl", "[1, 2]\n", "each line must be one order object"),
        ("orders.csv", "a,b\n1,2\n", "not a CSV of orders (missing columns"),
    ],
)
def test_a_file_that_is_not_orders_is_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(ImportFileError, match=re.escape(message)):
        read_orders(path)
