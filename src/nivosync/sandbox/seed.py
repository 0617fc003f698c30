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


# Jira project permissions the sandbox models (the keys of `mypermissions`).
JIRA_PERMISSIONS = (
    "BROWSE_PROJECTS",
    "CREATE_ISSUES",
    "EDIT_ISSUES",
    "ASSIGN_ISSUES",
    "ASSIGNABLE_USER",
    "SCHEDULE_ISSUES",
    "RESOLVE_ISSUES",
    "LINK_ISSUES",
    "TRANSITION_ISSUES",
    "ADD_COMMENTS",
    "MANAGE_WATCHERS",
    "ADMINISTER_PROJECTS",
)
# Jira's default permission scheme gives a project member everything but these two, which
# only the project's administrators hold.
MEMBER_PERMISSIONS = frozenset(JIRA_PERMISSIONS) - {"MANAGE_WATCHERS", "ADMINISTER_PROJECTS"}
PROJECT_ADMIN = frozenset(JIRA_PERMISSIONS)
# Confluence space permissions the sandbox models ("add page" also allows editing pages).
SPACE_PERMISSIONS = ("view", "add_page", "add_attachment")
SPACE_MEMBER = frozenset(SPACE_PERMISSIONS)


@dataclass(frozen=True)
class UserSeed:
    """A person of the site's directory. Site admins (the seed's `admins`) hold every
    permission; everyone else holds `project` in the seed's Jira project and `space` in its
    Confluence space. `email_hidden`: their Atlassian profile hides the email (Cloud: answers
    carry no `emailAddress` and a query by email does not find them). `token`: their API
    token; None derives one from the first admin's (see `auth.user_token`)."""

    name: str
    email: str
    username: str
    project: frozenset[str] = MEMBER_PERMISSIONS
    space: frozenset[str] = SPACE_MEMBER
    email_hidden: bool = False
    token: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.project) - set(JIRA_PERMISSIONS)
        unknown |= set(self.space) - set(SPACE_PERMISSIONS)
        if unknown:
            raise ValueError(f"unknown sandbox permissions {sorted(unknown)}")


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
    # The Done transition shows a screen with the Resolution field (as an admin adds to a
    # workflow): whoever closes an issue picks Done, Won't Do …; else Jira sets Done itself.
    resolution_screen: bool = False

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

    def user_seed(self, email: str) -> UserSeed | None:
        """The seeded person with `email` (admins included), if any."""
        return next((u for u in self.all_users() if u.email.lower() == email.lower()), None)

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
    """A small ready-made site (tests, demos): project NIVO, space NIVO, an admin, two users
    and `bot@example.com`, an account with a project member's permissions only (Jira's
    default scheme: no Manage Watchers, no Administer Projects)."""
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
            UserSeed("Nivo Bot", "bot@example.com", "nivobot"),
        ),
    )
