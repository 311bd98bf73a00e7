"""Starting the web app: bind checks, sign-in accounts, first-run indexing, then serving."""

from __future__ import annotations

import hmac
import ipaddress
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assistant.settings import Settings
from ui.web.roles import ROLES, Account, Roles

if TYPE_CHECKING:
    import gradio as gr

    from ui.web.services import Services

AUTH_VARIABLE = "MENTORCOACH_UI_AUTH"


class LaunchError(RuntimeError):
    """The web app cannot start; the message says what to change."""


Accounts = dict[str, Account]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_accounts(lines: list[str], origin: str) -> Accounts:
    """``user:password[:role]`` lines (blank lines and ``#`` comments skipped) as a user map.

    The role is ``staff`` or ``learner`` (the default). A password may hold colons; one that
    ends in ``:staff`` or ``:learner`` needs the role written after it.
    """
    accounts: Accounts = {}
    for number, line in enumerate(lines, 1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        user, colon, rest = entry.partition(":")
        password, _, role = rest.rpartition(":")
        if role not in ROLES:
            password, role = rest, "learner"
        if not colon or not user.strip() or not password:
            # Never echo the line: it may hold a password.
            raise LaunchError(
                f"{origin}, line {number}: expected user:password or user:password:role "
                f"(role {' or '.join(ROLES)}) with neither user nor password empty."
            )
        accounts[user.strip()] = Account(password, role)
    if not accounts:
        raise LaunchError(f"{origin} holds no user:password line.")
    return accounts


def read_auth(value: str | None) -> Accounts | None:
    """The sign-in accounts from ``MENTORCOACH_UI_AUTH``: ``user:password[:role]`` or a file
    of such lines."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    candidate = Path(value).expanduser()
    if candidate.is_file():
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LaunchError(f"{AUTH_VARIABLE}: cannot read {candidate} ({exc}).") from None
        return parse_accounts(text.splitlines(), f"{AUTH_VARIABLE} file {candidate}")
    if ":" in value and not value.startswith(("/", "~", ".")):
        return parse_accounts([value], AUTH_VARIABLE)
    if "/" in value or value.startswith(("~", ".")):
        raise LaunchError(f"{AUTH_VARIABLE}: no file at {candidate}.")
    raise LaunchError(
        f"{AUTH_VARIABLE} must be user:password or the path of a file of such lines."
    )


def check_bind(host: str, accounts: Accounts | None) -> None:
    """Refuse to serve beyond this machine without sign-in."""
    if accounts is None and not is_loopback(host):
        raise LaunchError(
            f"Refusing to listen on {host} without sign-in: anyone on the network could read "
            f"conversations. Set {AUTH_VARIABLE}=user:password (or the path of a file of "
            "user:password lines), or keep the default --host 127.0.0.1."
        )


def checker(accounts: Accounts) -> Callable[[str, str], bool]:
    """A sign-in check that compares in constant time."""

    def check(user: str, password: str) -> bool:
        expected = accounts.get(user)
        return expected is not None and hmac.compare_digest(
            expected.password.encode("utf-8"), password.encode("utf-8")
        )

    return check


def prepare_services(settings: Settings) -> Services:
    """Open the index and build the guide; index the starter corpus if the index is empty."""
    from assistant.engines import EngineError
    from assistant.guidance.contacts import ContactsError
    from assistant.index.model_files import EmbeddingModelError
    from assistant.index.store import ModelMismatchError, StoreUnavailableError
    from ui.web.services import Services

    try:
        services = Services.create(settings)
        if not services.store.documents():
            print(f"The index is empty: indexing the starter corpus in {settings.corpus_dir}...")
            report = services.sync([settings.corpus_dir])
            failed = report.count("failed")
            print(
                f"Indexed {report.count('added')} documents"
                + (f"; {failed} could not be read (see the Corpus tab)." if failed else ".")
            )
    except (EngineError, ContactsError, EmbeddingModelError, ModelMismatchError,
            StoreUnavailableError) as exc:
        raise LaunchError(str(exc)) from None
    return services


def _hold_index(settings: Settings) -> TextIO | None:
    """On the embedded store, mark the index as this app's while it serves (see
    :mod:`ingest.lock`); a Chroma server is shared safely and needs no mark."""
    if settings.chroma_url:
        return None
    from ingest.lock import AppRunningError, hold_app_lock

    try:
        return hold_app_lock(settings.home)
    except AppRunningError as exc:
        raise LaunchError(f"Another web app already serves this home. {exc}") from None


def _release_on_close(demo: gr.Blocks, handle: TextIO) -> None:
    """Let go of the app lock when ``demo`` closes (tests start and stop apps in one process)."""
    close = demo.close

    def closing(*args: object, **kwargs: object) -> None:
        close(*args, **kwargs)
        handle.close()

    demo.close = closing  # type: ignore[method-assign]


def launch(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    block: bool = True,
    services: Services | None = None,
) -> gr.Blocks:
    """Serve the web app on ``host:port``; with ``block`` (the CLI) until interrupted.

    Raises :class:`LaunchError` before anything is served when sign-in is missing for a
    non-loopback address, the accounts are malformed, the index or engine cannot be opened,
    or the port is taken.
    """
    accounts = read_auth(settings.ui_auth)
    check_bind(host, accounts)
    app_lock = _hold_index(settings)
    try:
        services = services or prepare_services(settings)

        from ui.web.app import build_app, page_options

        demo = build_app(services, Roles(accounts))
        try:
            demo.launch(
                server_name=host,
                server_port=port,
                auth=checker(accounts) if accounts else None,
                auth_message=(
                    "Sign in with the account your program gave you." if accounts else None
                ),
                prevent_thread_lock=True,
                allowed_paths=[str(services.transcripts)],
                share=False,
                **page_options(settings),
            )
        except OSError as exc:
            raise LaunchError(f"Cannot listen on {host}:{port} ({exc}).") from None
    except BaseException:
        if app_lock is not None:
            app_lock.close()
        raise
    if app_lock is not None:
        _release_on_close(demo, app_lock)
    # Load the embedding model once the page answers, not before: start-up stays quick.
    threading.Thread(target=services.warm_up, name="warm-up", daemon=True).start()
    if block:
        demo.block_thread()
    return demo
