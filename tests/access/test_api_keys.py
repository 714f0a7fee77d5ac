"""API keys: the two headers, 401 before GraphQL, only a digest stored, and the `keys` CLI."""

import asyncio
import hashlib
import re

import pytest
import sqlalchemy as sa

from app import cli
from app.api_keys import KeyWatch, revoke_key
from app.settings import get_settings
from db.engine import unit_of_work
from db.models import ApiKey
from db.queries import api_keys, catalog
from tests.access.conftest import codes_of, data, http, post, running

COMPANIES = "{ companies { totalCount } }"


@pytest.fixture
def resolver_calls(monkeypatch):
    """Counts calls of the companies list's query builder: did a resolver run?"""
    calls = []
    original = catalog.select_companies

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(catalog, "select_companies", spy)
    return calls


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
async def test_a_key_in_either_header_is_accepted(client_for, header):
    async with client_for(header=header) as client:
        assert "companies" in await data(client, COMPANIES)


async def test_the_bearer_scheme_is_case_insensitive(settings_for, keys):
    async with running(settings_for()) as app, http(app) as client:
        issued = await keys.issue()
        headers = {"authorization": f"bearer  {issued.plain} "}
        response = await post(client, COMPANIES, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "send an API key: Authorization: Bearer <key>"),
        ({"authorization": "Basic dXNlcjpwYXNz"}, "send an API key: Authorization: Bearer <key>"),
        ({"authorization": "Bearer oak_00000000_not-a-key"}, "unknown or revoked API key"),
        ({"x-api-key": "oak_00000000_not-a-key"}, "unknown or revoked API key"),
    ],
    ids=["none", "basic", "unknown-bearer", "unknown-x-api-key"],
)
async def test_no_or_an_unknown_key_is_401_before_any_resolver(
    settings_for, resolver_calls, headers, message
):
    async with running(settings_for()) as app, http(app) as client:
        response = await post(client, COMPANIES, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
    }
    assert resolver_calls == []


async def test_a_get_query_without_a_key_is_401_but_the_graphiql_page_is_served(settings_for):
    async with running(settings_for()) as app, http(app) as client:
        query = await client.get("/graphql", params={"query": COMPANIES})
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert query.status_code == 401
    assert codes_of(query.json()) == ["UNAUTHENTICATED"]
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_a_revoked_key_is_refused_once_the_revocation_is_heard(
    settings_for, keys, sessions, resolver_calls
):
    """The revocation reaches the process's key cache by NOTIFY, asynchronously: the test waits
    for it (the bound on how long that takes is tests/access/test_key_cache.py's)."""
    async with running(settings_for()) as app:
        issued = await keys.issue()
        async with http(app, issued.plain) as client:
            assert (await post(client, COMPANIES)).status_code == 200
            calls_before = len(resolver_calls)
            heard = app.state.grant_cache.generation
            async with sessions() as session, unit_of_work(session):
                assert await api_keys.revoke(session, issued.id)
            for _ in range(1000):
                if app.state.grant_cache.generation > heard:
                    break
                await asyncio.sleep(0.01)
            response = await post(client, COMPANIES)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "unknown or revoked API key"
    assert len(resolver_calls) == calls_before


async def test_the_database_holds_only_the_digest(keys, sessions):
    issued = await keys.issue(scopes=["order.read", "order.write"])
    secret = issued.plain.rsplit("_", 1)[1]
    async with sessions() as session:
        row = (
            await session.execute(
                sa.text("SELECT k.key_hash, k::text AS whole FROM api_keys k WHERE k.id = :id"),
                {"id": issued.id},
            )
        ).one()
        everything = await session.scalar(
            sa.text("SELECT string_agg(k::text, ' ') FROM api_keys k")
        )
    assert row.key_hash == hashlib.sha256(issued.plain.encode()).hexdigest()
    assert issued.plain not in everything
    assert secret not in everything
    assert secret not in row.whole


# --- the CLI -------------------------------------------------------------------------------------


def _main(argv: list[str]) -> SystemExit | None:
    try:
        cli.main(argv)
    except SystemExit as refusal:  # handed back to the test's own thread
        return refusal
    return None


@pytest.fixture
def run_cli(monkeypatch, capsys, database_url, keys):
    """Runs `orders-api ...` on the test database (in a thread: the CLI runs its own loop)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()

    async def run(*argv: str) -> str:
        capsys.readouterr()
        refusal = await asyncio.to_thread(_main, list(argv))
        out = capsys.readouterr().out
        for key_id in re.findall(r"^key (\d+) \(shown once", out, flags=re.MULTILINE):
            keys.forget(int(key_id))  # deleted at teardown
        if refusal is not None:
            raise refusal
        return out

    yield run
    get_settings.cache_clear()


async def test_cli_creates_a_key_shown_once_that_the_api_accepts(
    run_cli, tenants, sessions, settings_for
):
    a, b = tenants
    out = await run_cli(
        "keys", "create", "--company", a.code, "--company", b.code,
        "--scopes", "order.read,order.write", "--name", "erp-sync",
    )  # fmt: skip
    match = re.fullmatch(r"key (\d+) \(shown once, keep it safe\):\n(oak_\w+_\S+)\n", out)
    assert match, out
    key_id, plain = int(match[1]), match[2]
    async with sessions() as session:
        row = await session.get(ApiKey, key_id)
    assert (row.name, row.scopes) == ("erp-sync", ["order.read", "order.write"])
    assert row.company_ids == [a.ids["Company"], b.ids["Company"]]
    assert row.key_hash == hashlib.sha256(plain.encode()).hexdigest()

    listing = await run_cli("keys", "list")
    assert plain not in listing
    assert plain.rsplit("_", 1)[1] not in listing
    [line] = [line for line in listing.splitlines() if line.startswith(f"{key_id}\t")]
    assert "erp-sync" in line
    assert "order.read,order.write" in line
    assert line.endswith("active")

    async with running(settings_for()) as app, http(app, plain) as client:
        body = (await post(client, "{ companies { nodes { code } } }")).json()
    assert sorted(node["code"] for node in body["data"]["companies"]["nodes"]) == sorted(
        [a.code, b.code]
    )


async def test_cli_revokes_a_key(run_cli, keys, settings_for):
    issued = await keys.issue()
    assert await run_cli("keys", "revoke", str(issued.id)) == f"key {issued.id} revoked\n"
    with pytest.raises(SystemExit, match=f"no active key {issued.id}$"):
        await run_cli("keys", "revoke", str(issued.id))  # already revoked
    listing = await run_cli("keys", "list")
    [line] = [line for line in listing.splitlines() if line.startswith(f"{issued.id}\t")]
    assert "revoked" in line
    async with running(settings_for()) as app, http(app, issued.plain) as client:
        assert (await post(client, COMPANIES)).status_code == 401


async def test_cli_revoking_an_unknown_key_fails(run_cli, sessions):
    """A script revoking a wrong id must notice: the exit status is not 0."""
    async with sessions() as session:
        unknown = (await session.scalar(sa.select(sa.func.max(ApiKey.id))) or 0) + 1000
    with pytest.raises(SystemExit, match=f"no active key {unknown}$") as exited:
        await run_cli("keys", "revoke", str(unknown))
    assert exited.value.code not in (0, None)


async def test_a_key_watch_sees_a_revocation_asking_at_most_once_per_interval(keys, sessions):
    """Subscriptions re-check their key this way: one lookup per interval, not one per event."""
    issued = await keys.issue()
    now = [100.0]
    watch = KeyWatch(issued.id, interval_s=5, clock=lambda: now[0])
    async with sessions() as session:
        assert not await watch.revoked(session)
        assert await revoke_key(session, issued.id)
        now[0] += 4.9
        assert not await watch.revoked(session)  # checked 4.9 s ago: not asked again yet
        now[0] += 0.1
        assert await watch.revoked(session)
        assert not await KeyWatch(None, interval_s=0).revoked(session)  # no key row: a test's


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--company", "NO-SUCH-COMPANY"], "no company with code NO-SUCH-COMPANY"),
        (["--all-companies", "--scopes", "order.read,superuser"], "scopes must be among"),
        ([], "give --company CODE"),
    ],
    ids=["unknown-company", "unknown-scope", "no-company"],
)
async def test_cli_refuses_a_bad_key_request(run_cli, sessions, argv, message):
    async with sessions() as session:
        before = await session.scalar(sa.select(sa.func.count()).select_from(ApiKey))
    with pytest.raises(SystemExit, match=message):
        await run_cli("keys", "create", *argv)
    async with sessions() as session:
        after = await session.scalar(sa.select(sa.func.count()).select_from(ApiKey))
    assert after == before
