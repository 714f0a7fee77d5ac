"""Rules of sync checkpoints: what may name an integration."""

import re

from app.domain.errors import DomainError, InputPath, Invalid

MAX_INTEGRATION = 64
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def integration_errors(name: str, path: InputPath) -> list[DomainError]:
    """A short name of letters, digits, `_`, `.` and `-`, e.g. "erp": it keys a checkpoint."""
    if not 0 < len(name) <= MAX_INTEGRATION:
        return [Invalid(f"give 1 to {MAX_INTEGRATION} characters", path=path)]
    if not _NAME.fullmatch(name):
        message = "use letters, digits, '_', '.' and '-', starting with a letter or digit"
        return [Invalid(message, path=path)]
    return []
