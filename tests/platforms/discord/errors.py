"""Discord's JSON error bodies: status, numeric code and message, as the real API sends them."""

from __future__ import annotations

from typing import Any

UNKNOWN = {
    "account": (10001, "Unknown Account"),
    "application": (10002, "Unknown Application"),
    "channel": (10003, "Unknown Channel"),
    "guild": (10004, "Unknown Guild"),
    "member": (10007, "Unknown Member"),
    "message": (10008, "Unknown Message"),
    "role": (10011, "Unknown Role"),
    "user": (10013, "Unknown User"),
    "webhook": (10015, "Unknown Webhook"),
    "ban": (10026, "Unknown Ban"),
    "interaction": (10062, "Unknown interaction"),
    "command": (10063, "Unknown application command"),
}


class ApiError(Exception):
    """An error the fake answers with; `body()` is exactly what Discord puts on the wire."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown(kind: str) -> ApiError:
    """404 for a missing object: `unknown("message")` is code 10008 "Unknown Message"."""
    code, message = UNKNOWN[kind]
    return ApiError(404, code, message)


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def cannot_message_user() -> ApiError:
    return ApiError(403, 50007, "Cannot send messages to this user")


def unauthorized() -> ApiError:
    return ApiError(401, 0, "401: Unauthorized")


def invalid_form(path: str, code: str, message: str) -> ApiError:
    """400 50035 with the field error nested the way Discord nests it ("a.0.b" -> a/0/b)."""
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path.split(".")):
        errors = {part: errors}
    return ApiError(400, 50035, "Invalid Form Body", errors)
