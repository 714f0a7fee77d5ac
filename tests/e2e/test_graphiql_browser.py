"""GraphiQL in a real headless Chromium that can reach nothing but this server.

A query typed into the editor, with the key typed into the Headers tab, shows the orders: the
page, its seven files and the answer all came from the server, and no other host was tried.
"""

import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.graphiql.assets import ASSETS
from app.settings import Settings
from db.engine import LockedAsyncSession
from tests.access.conftest import KeyRing, make_tenant, purge_companies
from tests.served import served

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# the background-networking flags keep Chromium from calling home, which this network refuses
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--window-size=1400,900",
    # every host name fails to resolve: a file fetched from a CDN could not load
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
# typed without the closing brackets: the editor closes each one as it is opened
QUERY_TYPED = "{ orders(first: 5) { totalCount nodes { number status"
QUERY_SHOWN = "{ orders(first: 5) { totalCount nodes { number status}}}"
TIMEOUT_S = 30


@dataclass(frozen=True)
class Seen:
    """What the browser showed and fetched."""

    response: str
    query: str
    headers: str
    resources: list[dict[str, object]]
    console: list[dict[str, object]]


def missing_browser() -> list[str]:
    needed = {"chromium": CHROMIUM, "chromedriver": CHROMEDRIVER}
    return [f"{name} ({path})" for name, path in needed.items() if not Path(path).is_file()]


def artifacts() -> Path:
    folder = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=LockedAsyncSession, expire_on_commit=False)


@pytest.fixture
async def keys(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[KeyRing]:
    ring = KeyRing(sessions)
    yield ring
    await ring.delete_all()


def drive(url: str, key: str, screenshot: Path) -> Seen:
    """Selenium is synchronous: this runs in a thread while the server runs on the loop."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with tempfile.TemporaryDirectory(prefix="graphiql-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        # a driver path given: Selenium Manager, which would download one, is not run
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            wait = WebDriverWait(driver, TIMEOUT_S)
            driver.get(f"{url}/graphql")

            def visible_editor(css: str) -> object:
                shown = [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
                return shown[0] if shown else False

            def editor_text(css: str) -> str:
                script = "return document.querySelector(arguments[0]).CodeMirror.getValue()"
                return str(driver.execute_script(script, css))

            def replace_text(editor: object, text: str) -> None:
                ActionChains(driver).click(editor).key_down(Keys.CONTROL).send_keys("a").key_up(
                    Keys.CONTROL
                ).send_keys(Keys.BACKSPACE).send_keys(text).perform()

            query_css = ".graphiql-query-editor .CodeMirror"
            replace_text(wait.until(lambda _: visible_editor(query_css)), QUERY_TYPED)

            wait.until(
                expected_conditions.element_to_be_clickable(
                    (By.XPATH, "//button[normalize-space()='Headers']")
                )
            ).click()
            headers_css = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
            replace_text(
                wait.until(lambda _: visible_editor(headers_css)),
                f'{{"Authorization": "Bearer {key}"',
            )

            driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
            response_css = ".graphiql-response .CodeMirror"
            wait.until(lambda _: '"totalCount"' in editor_text(response_css))
            return Seen(
                response=editor_text(response_css),
                query=editor_text(query_css),
                headers=editor_text(headers_css),
                resources=driver.execute_script(
                    "return performance.getEntriesByType('resource')"
                    ".map(e => ({name: e.name, status: e.responseStatus}))"
                ),
                console=driver.get_log("browser"),
            )
        finally:
            driver.save_screenshot(str(screenshot))
            print(f"GraphiQL screenshot: {screenshot}")  # noqa: T201
            driver.quit()


async def test_a_query_typed_into_graphiql_offline_shows_the_orders(database_url, sessions, keys):
    if absent := missing_browser():
        pytest.skip(
            f"no headless browser: missing {', '.join(absent)}; "
            "apt-get install chromium chromium-driver"
        )
    tenant = await make_tenant(sessions)
    try:
        key = await keys.issue(companies=[tenant.code])
        settings = Settings(database_url=database_url, bulk_worker_enabled=False, _env_file=None)  # type: ignore[call-arg]
        screenshot = artifacts() / "graphiql.png"
        async with served(settings) as url:
            started = time.monotonic()
            seen = await asyncio.to_thread(drive, url, key.plain, screenshot)
        print(f"GraphiQL in Chromium: {time.monotonic() - started:.1f}s")  # noqa: T201
    finally:
        await purge_companies(sessions, [tenant.code])

    assert seen.query == QUERY_SHOWN
    assert json.loads(seen.headers) == {"Authorization": f"Bearer {key.plain}"}
    assert json.loads(seen.response)["data"] == {
        "orders": {"totalCount": 1, "nodes": [{"number": tenant.order_number, "status": "PENDING"}]}
    }
    fetched = {entry["name"]: entry["status"] for entry in seen.resources}
    assert all(name.startswith(f"{url}/") for name in fetched), fetched
    assert {f"{url}{asset.url()}": 200 for asset in ASSETS}.items() <= fetched.items()
    # the page's first introspection carries the hint, not a key: its 401 is the only error
    unkeyed = f"{url}/graphql - Failed to load resource: the server responded with a status of 401"
    errors = [entry["message"] for entry in seen.console if entry["level"] == "SEVERE"]
    assert [error for error in errors if not error.startswith(unkeyed)] == []
