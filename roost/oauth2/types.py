"""The values of an OAuth2 sign-in: the provider's token and PocketBase's AuthUser shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class OAuth2Error(Exception):
    """The provider refused or answered something unusable (never shown to the client)."""


@dataclass(slots=True)
class Token:
    access_token: str
    refresh_token: str = ""
    expiry: float = 0.0  # unix time, 0 when the provider gave no lifetime
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class AuthUser:
    id: str
    name: str = ""
    username: str = ""
    email: str = ""  # only an email the provider vouches for; empty otherwise
    avatar_url: str = ""
    raw_user: dict[str, Any] = field(default_factory=dict)
    access_token: str = ""
    refresh_token: str = ""
    expiry: str = ""

    def to_meta(self) -> dict[str, Any]:
        """PocketBase's `meta` of an OAuth2 login (keys sorted, as its map round trip gives)."""
        return {
            "accessToken": self.access_token,
            "avatarURL": self.avatar_url,
            "avatarUrl": self.avatar_url,
            "email": self.email,
            "expiry": self.expiry,
            "id": self.id,
            "name": self.name,
            "rawUser": self.raw_user,
            "refreshToken": self.refresh_token,
            "username": self.username,
        }
