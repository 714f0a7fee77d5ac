"""GET /exports/<id>: an export's file, to the keys that could read the orders in it.

ApiKeyMiddleware guards only /graphql, so this route checks the key itself, with the same
rules: a valid key (401), the order.read scope (403), every company of the export among the
key's (404, as for a job that does not exist), then ready (409) and not expired (410).
"""

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from app.auth import credentials
from app.error_boundary import error_response
from app.middleware import authenticate
from app.settings import Settings
from db.queries import order_exports

_MEDIA = {"XML": "application/xml", "JSONL": "application/x-ndjson"}


def download_export(settings: Settings):
    directory = settings.export_directory

    async def download(request: Request) -> Response:
        presented = credentials(dict(request.scope["headers"]))
        if presented is None:
            return _unauthorized("send an API key: Authorization: Bearer <key>")
        session = request.scope["db_session"]
        principal = await authenticate(session, presented, request.app.state.grant_cache)
        if principal is None:
            return _unauthorized("unknown or revoked API key")
        if not principal.allows("order.read"):
            return error_response("this API key lacks the order.read scope", 403, code="FORBIDDEN")
        operation_id = _operation_id(request.path_params["id"])
        found = None
        if operation_id is not None:
            found = await order_exports.get_export(
                session, operation_id, company_ids=principal.company_ids
            )
        await session.commit()
        if found is None:
            return error_response("no export with this id", 404, code="NOT_FOUND")
        operation, export = found
        if operation.status != "COMPLETED" or export.expires_at is None:
            message = f"the export is {operation.status}; poll orderExport(id) until COMPLETED"
            return error_response(message, 409, code="NOT_READY")
        path = directory / (export.file_name or "")
        if export.expires_at <= datetime.now(UTC) or not export.file_name or not path.is_file():
            return error_response("this export has expired; start a new one", 410, code="GONE")
        name = f"orders-export-{operation.id}{path.suffix}"
        return FileResponse(path, media_type=_MEDIA[export.format], filename=name)

    return download


def _operation_id(text: str) -> int | None:
    try:
        global_id = relay.GlobalID.from_id(text)
    except GlobalIDValueError:
        return None
    node = global_id.node_id
    if global_id.type_name != "BulkOperation" or not node.isdigit() or len(node) > 9:
        return None
    return int(node)


def _unauthorized(message: str) -> Response:
    return error_response(
        message, 401, headers={"WWW-Authenticate": "Bearer"}, code="UNAUTHENTICATED"
    )
