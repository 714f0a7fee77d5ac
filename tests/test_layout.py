"""Layout rules a reader relies on: SQL is built in db/, library internals pass through one gate."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATE = ROOT / "graphql_schema" / "machinery" / "library_internals.py"
INTERNAL = re.compile(
    r"from strawberry\.(types|schema|extensions\.utils)\.|from graphql\.execution\.|"
    r"\._schema\b|__strawberry_definition__|schema_converter"
)


def test_no_module_but_the_gate_uses_library_internals():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in ("app", "graphql_schema", "resolvers", "db")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != GATE
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INTERNAL.search(line)
    ]
    assert offenders == [], "use graphql_schema/machinery/library_internals.py:\n" + "\n".join(
        offenders
    )


def test_every_internal_the_gate_imports_says_why():
    lines = GATE.read_text().splitlines()
    for number, line in enumerate(lines):
        if line.startswith(("from strawberry.types", "from graphql.execution")):
            assert lines[number - 1].startswith("#"), f"say why above: {line}"


SQL_BUILDING = re.compile(r"^(import sqlalchemy\b|from sqlalchemy import (?!event\b))", re.M)


def test_sql_is_built_only_in_db():
    """Outside db/ SQLAlchemy appears only for types (Select, AsyncSession) and its errors."""
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("app", "graphql_schema", "resolvers")
        for path in sorted((ROOT / package).rglob("*.py"))
        if SQL_BUILDING.search(path.read_text())
    ]
    assert offenders == []
