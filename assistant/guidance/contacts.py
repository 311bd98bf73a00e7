"""Help contacts for safety replies: the program's own file, or the shipped US defaults."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Role = Literal["emergency", "crisis", "wellbeing", "program"]
REQUIRED_ROLES: tuple[Role, ...] = ("emergency", "crisis")


class ContactsError(ValueError):
    """A contacts file that cannot be used; the message names the file and the field."""


class Contact(BaseModel):
    """One place to get help: who, and how to reach them."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(min_length=1)
    how: str = Field(min_length=1)

    @property
    def line(self) -> str:
        """``name: how``, as a reply lists it."""
        return f"{self.name}: {self.how}"


class Contacts(BaseModel):
    """The contacts of a program; ``defaults`` marks the shipped US defaults."""

    model_config = ConfigDict(extra="forbid")

    contacts: list[Contact]
    #: True for the shipped US defaults, which a program should replace.
    defaults: bool = Field(default=False, exclude=True)

    @field_validator("contacts")
    @classmethod
    def _has_required(cls, contacts: list[Contact]) -> list[Contact]:
        missing = [r for r in REQUIRED_ROLES if r not in {c.role for c in contacts}]
        if missing:
            raise ValueError(f"needs a contact with role {' and '.join(missing)}")
        return contacts

    def by_roles(self, *roles: Role) -> list[Contact]:
        """The contacts of ``roles``, in that order of roles."""
        return [c for role in roles for c in self.contacts if c.role == role]

    def first(self, role: Role) -> Contact | None:
        """The first contact of ``role``."""
        found = self.by_roles(role)
        return found[0] if found else None


def parse_contacts(text: str, origin: str) -> Contacts:
    """Validate a contacts YAML; raise :class:`ContactsError` naming the file and field."""
    try:
        return Contacts.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise ContactsError(f"{origin}: not valid YAML ({exc})") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: "
            f"{str(err['msg']).removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ContactsError(f"{origin}: {problems}") from None


def load_contacts(path: Path | None) -> Contacts:
    """The contacts at ``path`` (``MENTORCOACH_SAFETY_CONTACTS``), else the US defaults."""
    if path is None:
        return _shipped()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContactsError(f"MENTORCOACH_SAFETY_CONTACTS: cannot read {path} ({exc})") from None
    return parse_contacts(text, str(path))


@lru_cache(maxsize=1)
def _shipped() -> Contacts:
    """The US defaults shipped with the package, read once."""
    resource = resources.files("assistant.guidance") / "safety-contacts.yaml"
    shipped = parse_contacts(resource.read_text(encoding="utf-8"), "safety-contacts.yaml")
    return shipped.model_copy(update={"defaults": True})
