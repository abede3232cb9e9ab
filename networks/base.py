"""The interface every network client keeps, and the ways a check can fail to happen.

A client answers three questions about one account, given its canonical
address: the publications in a span of time, the text description with its
contacts, and (for comment moderation) the comments newer than a cursor. A
client that cannot answer raises :class:`NotChecked` with a Russian reason:
the account is then "not checked", never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from domain.posting import Publication

if TYPE_CHECKING:
    from networks.http import Transport


class NotChecked(Exception):
    """The network did not answer the question; ``reason`` says why, in Russian.

    ``network_down`` tells a network that failed as a whole (5xx, timeout,
    malformed answers, refused token) from one account that cannot be checked
    (a channel without a public preview, a bot not in the chat). ``stop``
    means the network refuses srok itself (an expired token): no further
    account of that network is asked in this run.
    """

    def __init__(self, reason: str, *, network_down: bool = True, stop: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.network_down = network_down
        self.stop = stop


class CannotBeChecked(NotChecked):
    """This account cannot be read by this network's public means (not the network's fault)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, network_down=False)


@dataclass(frozen=True)
class Description:
    """What the network shows as the account's description (п. 2.4).

    ``text`` is every free-text field joined (description, status, address
    lines); ``phones`` and ``emails`` are the structured contact fields, as
    the network gives them (normalised later, by services). ``title`` is the
    account's display name, kept for evidence only.
    """

    title: str
    text: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    site: str = ""


@dataclass(frozen=True)
class Comment:
    """A comment under a publication, for moderation (п. 2.5, next step)."""

    id: str
    post_id: str
    published_at: datetime
    text: str
    author: str = field(default="", repr=False)  # personal data: never logged


class NetworkClient(Protocol):
    """What srok asks of a network about one account (its canonical address)."""

    network: str  # the code in domain.networks: vk, ok, telegram, max
    transport: Transport  # its requests and the hash of its answers: a check's evidence

    def publications(self, url: str, *, since: datetime, until: datetime) -> list[Publication]:
        """Return the account's publications dated in [since, until), and any pinned ones."""
        ...

    def description(self, url: str) -> Description:
        """Return the account's text description and contact fields."""
        ...

    def comments(self, url: str, *, post_id: str, after: str | None) -> list[Comment]:
        """Return the comments under ``post_id`` newer than the cursor ``after``.

        Raises CannotBeChecked where the network gives no comments to a reader.
        """
        ...

    def close(self) -> None: ...
