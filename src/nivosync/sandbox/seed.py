"""What a sandbox site is seeded with: one project, one space, admins and users.

The project's screens are part of the seed. By default every issue type's screen holds every
field the sandbox can set; a test seeds a restricted project with `dataclasses.replace`:

    replace(seed, custom_fields=(FieldSeed("Customer Impact"),),
            screens=(ScreenSeed("Task", hidden=("Start date", "fixVersions"),
                                required=("Customer Impact",)),))
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Flavor = Literal["cloud", "datacenter"]
ProjectStyle = Literal["company-managed", "team-managed"]
FieldType = Literal["string", "number", "date"]

FIRST_SEEDED_FIELD = 10200  # seeded custom fields are customfield_10200, 10201, ...
MAX_SEEDED_FIELDS = 50


@dataclass(frozen=True)
class FieldSeed:
    """A custom field the site has besides the sandbox's own (a text, number or date field)."""

    name: str
    type: FieldType = "string"


@dataclass(frozen=True)
class ScreenSeed:
    """The screen of one issue type of the seed's project, used to create and edit its issues.

    `hidden`: fields that are not on it; `required`: fields a create must give a value. Both
    name fields by id or by name (case-insensitive); a name the site does not have is ignored,
    so one seed reads the same on both flavours. Project, issue type and summary stay on."""

    issue_type: str
    hidden: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


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
    # A team-managed (Cloud only) project has its own issue types and start-date field.
    project_style: ProjectStyle = "company-managed"
    screens: tuple[ScreenSeed, ...] = ()
    custom_fields: tuple[FieldSeed, ...] = ()

    def __post_init__(self) -> None:
        if self.flavor not in ("cloud", "datacenter"):
            raise ValueError(f"unknown sandbox flavor {self.flavor!r}")
        if not self.admins:
            raise ValueError("a sandbox site needs at least one admin credential")
        if self.project_style not in ("company-managed", "team-managed"):
            raise ValueError(f"unknown project style {self.project_style!r}")
        if self.project_style == "team-managed" and self.flavor != "cloud":
            raise ValueError("team-managed projects exist on Jira Cloud only")
        if len(self.custom_fields) > MAX_SEEDED_FIELDS:
            raise ValueError(f"a sandbox site takes at most {MAX_SEEDED_FIELDS} custom fields")

    @property
    def team_managed(self) -> bool:
        return self.project_style == "team-managed"

    def custom_field_id(self, name: str) -> str:
        """The id of the seeded custom field `name` (customfield_10200 for the first one)."""
        for number, seeded in enumerate(self.custom_fields, start=FIRST_SEEDED_FIELD):
            if seeded.name.casefold() == name.casefold():
                return f"customfield_{number}"
        raise KeyError(name)

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
