"""Scopes, declared next to the fields they guard: a key without the scope gets FORBIDDEN there."""

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from app.context import Info


class ScopePermission(BasePermission):
    scope: ClassVar[str]
    error_extensions: dict[str, Any] | None = {"code": "FORBIDDEN"}  # as BasePermission types it

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.message = f"this API key lacks the {cls.scope} scope"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal.allows(self.scope)


class OrderRead(ScopePermission):
    scope = "order.read"


class OrderWrite(ScopePermission):
    scope = "order.write"


class BulkWrite(ScopePermission):
    scope = "order.bulkwrite"


class WebhookManage(ScopePermission):
    scope = "webhook.manage"


class Admin(ScopePermission):
    scope = "admin"
