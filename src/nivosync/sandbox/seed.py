"""What a sandbox site is seeded with: one project, one space, admins and users."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Flavor = Literal["cloud", "datacenter"]


@dataclass(frozen=True)
class UserSeed:
    name: str
    email: str
    username: str


@dataclass(frozen=True)
class AdminCredential:
    email: str
    username: str
    token: str


@dataclass(frozen=True)
class SiteSeed:
    flavor: Flavor
    project_key: str
    project_name: str
    space_key: str
    space_name: str
    parent_page: str | None
    admins: tuple[AdminCredential, ...]
    users: tuple[UserSeed, ...] = ()

    def __post_init__(self) -> None:
        if self.flavor not in ("cloud", "datacenter"):
            raise ValueError(f"unknown sandbox flavor {self.flavor!r}")
        if not self.admins:
            raise ValueError("a sandbox site needs at least one admin credential")

    def all_users(self) -> tuple[UserSeed, ...]:
        """Admins are users too; a listed user wins over an admin with the same email."""
        seen: dict[str, UserSeed] = {}
        for user in self.users:
            seen.setdefault(user.email.lower(), user)
        for admin in self.admins:
            name = admin.username.replace(".", " ").title() or admin.email
            seen.setdefault(admin.email.lower(), UserSeed(name, admin.email, admin.username))
        return tuple(seen.values())


def account_id_for(email: str) -> str:
    """A Cloud-looking accountId, stable for an email across runs and machines."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"712020:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def demo_seed(flavor: Flavor, token: str = "sandbox-token") -> SiteSeed:
    """A small ready-made site (tests, demos): project NIVO, space NIVO, an admin, two users."""
    return SiteSeed(
        flavor=flavor,
        project_key="NIVO",
        project_name="NIVOMAX Releases",
        space_key="NIVO",
        space_name="NIVOMAX Releases",
        parent_page="Releases",
        admins=(AdminCredential("admin@example.com", "admin", token),),
        users=(
            UserSeed("Ada Admin", "admin@example.com", "admin"),
            UserSeed("Dana Delivery", "dana@example.com", "dana"),
            UserSeed("Sam Support", "sam@example.com", "sam"),
        ),
    )
