"""schema.graphql is the contract partners read: it must be exactly what the code serves."""

from pathlib import Path

from resolvers.roots.schema import schema

ROOT = Path(__file__).resolve().parents[1]


def test_schema_graphql_matches_the_code():
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema.as_str() + "\n", (
        "schema.graphql is stale; regenerate it with: "
        "orders-api export-schema --output schema.graphql"
    )
