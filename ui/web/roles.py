"""Who may see what: program staff see the Corpus and Evals tabs, learners only the chat.

Gradio serves every event as an API endpoint, so hiding a tab is not enough: every staff
handler asks :meth:`Roles.require_staff` with the request it serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Role = Literal["staff", "learner"]
ROLES: tuple[Role, ...] = ("staff", "learner")
#: Shown when a learner's request reaches a staff handler.
STAFF_ONLY = "This part of the app is for program staff."
SINGLE_USER = (
    "*Running on this machine without sign-in: one user, who sees everything, the staff tabs "
    "(Corpus, Evals) included. Set `MENTORCOACH_UI_AUTH` to give learners and staff their "
    "own accounts.*"
)


class NotStaffError(PermissionError):
    """A staff handler was called by someone who is not staff."""


@dataclass(frozen=True)
class Account:
    """One sign-in account: its password and its role."""

    password: str
    role: Role = "learner"


@dataclass(frozen=True)
class Roles:
    """The accounts' roles; without accounts (loopback, no sign-in) the one user is staff."""

    accounts: dict[str, Account] | None = None

    @property
    def single_user(self) -> bool:
        """No sign-in: the app serves one person on this machine."""
        return self.accounts is None

    def of(self, request: Any) -> Role:
        """The role of whoever sent ``request`` (a ``gr.Request``); unknown users are learners."""
        if self.accounts is None:
            return "staff"
        user = getattr(request, "username", None)
        account = self.accounts.get(user) if user else None
        return account.role if account else "learner"

    def is_staff(self, request: Any) -> bool:
        """Whether ``request`` comes from program staff."""
        return self.of(request) == "staff"

    def require_staff(self, request: Any) -> None:
        """Raise :class:`NotStaffError` unless ``request`` comes from program staff."""
        if not self.is_staff(request):
            raise NotStaffError(STAFF_ONLY)
