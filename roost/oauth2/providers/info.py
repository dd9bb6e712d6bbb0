"""A provider's description: its endpoints, scopes and PKCE default, and the function that reads
its user into PocketBase's AuthUser (each provider module defines one)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roost.oauth2.logos import LOGOS

if TYPE_CHECKING:
    from roost.oauth2.context import UserContext
    from roost.oauth2.types import AuthUser

UserReader = Callable[["UserContext"], Awaitable["AuthUser"]]


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    name: str
    display_name: str
    read_user: UserReader
    auth_url: str = ""
    token_url: str = ""
    user_info_url: str = ""
    scopes: tuple[str, ...] = ()
    pkce: bool = True
    extra_params: dict[str, str] = field(default_factory=dict)

    @property
    def logo(self) -> str:
        return LOGOS.get(self.name, "")
