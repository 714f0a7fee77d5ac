"""`orders-api import FILE`: JSON Lines and CSV, a summary, a failures file, safe to re-run."""

import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import importer
from app.cli import IMPORT_EXIT_STATUS, main
from app.importer import ImportFileError, read_orders
from app.settings import get_settings
from tests.served import free_port

CLI = str(Path(sys.executable).with_name("orders-api"))


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
        # the CLI runs its own event loop; it exits 1 when orders failed (tested below)
        with contextlib.suppress(SystemExit):
            await asyncio.to_thread(main, ["import", str(path)])
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


CSV_HEADER = (
    "companyCode,source,externalId,clientCode,status,orderedAt,line.productCode,line.quantity"
)


async def test_a_csv_file_groups_its_rows_into_orders(cli, shops, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text(
        f"{CSV_HEADER}\n"
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
        ("orders.jsonl", "", "orders.jsonl: the file holds no orders"),
        ("orders.jsonl", "\n  \n", "orders.jsonl: the file holds no orders"),
        ("orders.csv", f"{CSV_HEADER}\n", "orders.csv: the file holds no orders"),
    ],
)
def test_a_file_that_is_not_orders_is_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(ImportFileError, match=re.escape(message)):
        read_orders(path)


async def test_a_csv_saved_by_excel_with_a_byte_order_mark_is_read(cli, shops, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text(
        f"{CSV_HEADER},description\nBULKA,CSV,C1,CLI1,PENDING,2025-02-01,P0,2,Peña\n",
        encoding="utf-8-sig",
    )

    out = await cli(source)

    assert "1 created, 0 updated, 0 unchanged, 0 failed" in out
    assert read_orders(source)[0].order["description"] == "Peña"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "orders.csv",
            f"{CSV_HEADER},description\nBULKA,CSV,C1,CLI1,PENDING,2025-02-01,P0,2,Peña\n".encode(
                "latin-1"
            ),
            "orders.csv:2: not UTF-8 text; save the file as UTF-8",
        ),
        ("orders.jsonl", order_line(1).encode() + b"\x9c\xff\x00garbage\n", "orders.jsonl:2: not"),
        ("orders.jsonl", bytes(range(128, 256)), "orders.jsonl:1: not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ImportFileError, match=re.escape(message)):
        read_orders(path)


def run_cli(path: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """The command as a cron job runs it: its own process, judged by its exit status."""
    env = os.environ | {"DATABASE_URL": database_url}
    command = [CLI, "import", str(path)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


async def test_the_command_exits_0_when_every_order_was_imported(shops, database_url, tmp_path):
    source = tmp_path / "orders.jsonl"
    source.write_text(order_line(1) + order_line(2))

    first = await asyncio.to_thread(run_cli, source, database_url)
    again = await asyncio.to_thread(run_cli, source, database_url)

    assert (first.returncode, again.returncode) == (0, 0), first.stderr + again.stderr
    assert "2 created, 0 updated, 0 unchanged, 0 failed" in first.stdout
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in again.stdout


async def test_the_command_exits_1_when_an_order_failed_and_still_writes_the_failures(
    shops, database_url, tmp_path
):
    source = tmp_path / "orders.jsonl"
    source.write_text(order_line(1) + order_line(2, product="NOPE"))

    done = await asyncio.to_thread(run_cli, source, database_url)

    assert done.returncode == 1, done.stderr
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in done.stdout
    failures = [json.loads(line) for line in (tmp_path / "orders.jsonl.failures.jsonl").open()]
    assert [(f["line"], f["externalId"]) for f in failures] == [(2, "F2")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "orders.jsonl: the file holds no orders"),
        ('{"a":\n', "orders.jsonl:1: not JSON"),
        (None, "orders.jsonl: no such file"),
    ],
)
def test_the_command_exits_2_with_one_line_for_a_file_that_is_not_orders(
    tmp_path, content, message
):
    path = tmp_path / "orders.jsonl"
    if content is not None:
        path.write_text(content)

    done = run_cli(path, "postgresql://postgres@127.0.0.1:1/unused")  # refused before any I/O

    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"orders-api: {tmp_path}/{message}")
    assert not (tmp_path / "orders.jsonl.failures.jsonl").exists()


def test_the_command_exits_3_when_the_database_cannot_be_reached(tmp_path):
    path = tmp_path / "orders.jsonl"
    path.write_text(order_line(1))
    nobody_listens = f"postgresql://postgres@127.0.0.1:{free_port()}/orders"

    done = run_cli(path, nobody_listens)

    assert done.returncode == 3
    assert "orders-api: the import stopped" in done.stderr.splitlines()[-1]
    assert "Traceback" not in done.stderr


def test_import_help_documents_the_exit_status():
    shown = subprocess.run(
        [CLI, "import", "--help"], capture_output=True, text=True, check=True
    ).stdout

    assert IMPORT_EXIT_STATUS in shown
    codes = [line.split()[0] for line in IMPORT_EXIT_STATUS.splitlines()[1:]]
    assert codes == ["0", "1", "2", "3"]


def test_an_external_id_repeated_anywhere_in_the_file_fails_both_copies(tmp_path):
    path = tmp_path / "orders.jsonl"
    path.write_text(order_line(0) + "".join(order_line(n) for n in range(1, 1500)) + order_line(0))

    records = read_orders(path)

    repeats = {record.line: record.errors for record in records if record.errors}
    assert repeats == {
        1: [{"code": "NOT_UNIQUE", "field": "externalId",
             "message": "this source and external id is also at line 1501; send it once"}],
        1501: [{"code": "NOT_UNIQUE", "field": "externalId",
                "message": "this source and external id is also at line 1; send it once"}],
    }  # fmt: skip


async def test_a_repeat_in_a_later_call_fails_both_copies_instead_of_overwriting(
    cli, shops, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "CALL_SIZE", 2)  # the copies land in different calls
    source = tmp_path / "orders.jsonl"
    source.write_text(order_line(1) + order_line(2) + order_line(1, product="P1"))

    out = await cli(source)
    again = await cli(source)

    assert "1 created, 0 updated, 0 unchanged, 2 failed" in out
    assert "0 created, 0 updated, 1 unchanged, 2 failed" in again
    failures = [json.loads(line) for line in (tmp_path / "orders.jsonl.failures.jsonl").open()]
    assert [(f["line"], f["errors"][0]["code"]) for f in failures] == [
        (1, "NOT_UNIQUE"),
        (3, "NOT_UNIQUE"),
    ]
