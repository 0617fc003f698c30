"""What the embedded sandbox is seeded with, from the config: its project, space, accounts and
users (apart from `sites`, so that a run on a real site imports nothing of the sandbox)."""

from __future__ import annotations

import os
import secrets

from nivosync.inputs.config import Config, ConfluenceSettings, JiraSettings, SandboxUser
from nivosync.sandbox import (
    MEMBER_PERMISSIONS,
    PROJECT_ADMIN,
    AdminCredential,
    SiteSeed,
    UserSeed,
)


def site_seed(config: Config, token: str | None = None) -> SiteSeed:
    """What the sandbox is seeded with: the configured project, space, accounts and users.

    nivosync's own accounts (jira.user, confluence.user) are site admins unless their
    `sandbox.users` entry sets `access`; then the site gets a separate admin of its own."""
    spec = config.spec
    listed = {u.email.casefold(): u for u in spec.sandbox.users}
    sides: list[JiraSettings | ConfluenceSettings] = [spec.jira]
    sides += [spec.confluence] if spec.confluence else []
    admins: list[AdminCredential] = []
    tokens: dict[str, str] = {}
    for settings in sides:
        login = settings.user.casefold()
        match = next((u for u in spec.sandbox.users if login in _logins(u)), None)
        secret = token or os.environ.get(settings.token_env, "")
        if match is not None and match.access not in (None, "site-admin"):
            tokens[match.email.casefold()] = secret
            continue
        user = settings.user
        email = match.email if match else (user if "@" in user else f"{user}@sandbox.invalid")
        username = match.username if match else user.split("@")[0]
        admins.append(AdminCredential(email, username, secret))
    if not admins:  # every account is an ordinary user: the site still has an admin
        admins.append(AdminCredential(SANDBOX_ADMIN, "sandbox-admin", secrets.token_urlsafe(18)))
    users = tuple(_user_seed(u, tokens.get(email)) for email, u in listed.items())
    confluence = spec.confluence
    return SiteSeed(
        flavor=spec.jira.flavor,
        project_key=spec.jira.project,
        project_name=f"{spec.jira.project} releases",
        space_key=confluence.space if confluence else "REL",
        space_name=f"{confluence.space if confluence else 'REL'} releases",
        parent_page=confluence.parent_page if confluence else None,
        admins=tuple(dict.fromkeys(admins)),
        users=users,
    )


SANDBOX_ADMIN = "sandbox-admin@sandbox.invalid"


def _logins(user: SandboxUser) -> tuple[str, str]:
    return user.email.casefold(), user.username.casefold()


def _user_seed(user: SandboxUser, token: str | None) -> UserSeed:
    """`token`: set for one of nivosync's own accounts (others' tokens are derived)."""
    access = user.access or "member"
    return UserSeed(
        user.name,
        user.email,
        user.username,
        project=PROJECT_ADMIN if access != "member" else MEMBER_PERMISSIONS,
        email_hidden=user.email_hidden,
        token=token,
    )
