"""`orders-api --help` names every command; `serve --help` names settings that exist."""

import re
import subprocess
import sys
from pathlib import Path

from app.cli import SERVE_SETTINGS
from app.settings import Settings

CLI = str(Path(sys.executable).with_name("orders-api"))
COMMANDS = [
    "serve",
    "migrate",
    "seed-demo",
    "import",
    "export",
    "keys",
    "inventory",
    "export-schema",
]


def help_of(*command: str) -> str:
    return subprocess.run(
        [CLI, *command, "--help"], capture_output=True, text=True, check=True
    ).stdout


def test_the_description_names_every_command():
    description = help_of().split("positional arguments")[0]

    assert all(command in description for command in COMMANDS)


def test_serve_help_names_settings_that_exist():
    shown = help_of("serve")
    rows = [line.strip() for line in SERVE_SETTINGS.splitlines() if line.startswith("  ")]
    named = {name for row in rows for name in re.split(r"\s{2,}", row)[0].split(", ")}

    assert SERVE_SETTINGS.splitlines()[0] in shown
    assert {"HOST", "PORT", "DATABASE_URL"} <= named
    assert {name for name in named if name.lower() not in Settings.model_fields} == set()
