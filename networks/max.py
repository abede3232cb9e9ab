"""MAX: the official Bot API (the bot must be in the channel), chat info and messages.

The token goes in the ``Authorization`` header (MAX no longer takes it in the
query). The bot finds the account's chat among its chats by the chat's public
link; a channel the bot is not in "cannot be checked" until someone adds it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from domain.posting import Publication
from networks.base import CannotBeChecked, Comment, Description, NotChecked
from networks.http import Transport, malformed

NAME = "MAX"
PAGE = 100
MAX_PAGES = 500


class MaxClient:
    """Read a MAX channel the srok bot is a member of."""

    network = "max"

    def __init__(self, transport: Transport, *, token: str) -> None:
        self.transport = transport
        self._headers = {"Authorization": token}
        self._chats: dict[str, int] | None = None

    def call(self, path: str, **params: Any) -> Any:
        """GET one resource; 401 stops the network, 403/404 leave the account unchecked."""
        response = self.transport.get(
            path, params={k: v for k, v in params.items() if v is not None}, headers=self._headers
        )
        if response.status_code == 401:
            raise NotChecked(
                f"{NAME}: токен бота не принят (HTTP 401): проверьте SROK_MAX_TOKEN; "
                "проверка сети остановлена",
                stop=True,
            )
        if response.status_code in (403, 404):
            raise CannotBeChecked(f"{NAME}: {_code(response)}: бот srok не видит канал")
        if response.status_code >= 400:
            raise NotChecked(f"{NAME}: HTTP {response.status_code} {_code(response)}")
        return self.transport.json(response)

    def chat_id(self, url: str) -> int:
        """Find the chat whose public link is the account's address, among the bot's chats."""
        if self._chats is None:
            chats: dict[str, int] = {}
            marker = None
            for _ in range(MAX_PAGES):
                page = self.call("/chats", count=PAGE, marker=marker)
                if not isinstance(page, dict) or not isinstance(page.get("chats"), list):
                    raise malformed(NAME, "chats")
                for chat in page["chats"]:
                    if isinstance(chat, dict) and chat.get("link") and "chat_id" in chat:
                        chats[_key(str(chat["link"]))] = int(chat["chat_id"])
                marker = page.get("marker")
                if not marker:
                    break
            self._chats = chats
        try:
            return self._chats[_key(url)]
        except KeyError:
            raise CannotBeChecked(
                f"{NAME}: бот srok не состоит в канале {url}: добавьте бота в канал"
            ) from None

    def publications(self, url: str, *, since: datetime, until: datetime) -> list[Publication]:
        """Page the channel's messages newest first, back with ``before`` (ms), until ``since``.

        The schema (v0.0.33) deprecates ``from``/``to`` for ``before``/``after``. Each
        next page asks for messages before the oldest seen plus 1 ms, so messages
        sharing that millisecond are not lost; the repeats are dropped by id.
        """
        chat = self.chat_id(url)
        found: dict[str, Publication] = {}
        seen: set[str] = set()
        before = int(until.timestamp() * 1000)
        for _ in range(MAX_PAGES):
            page = self.call("/messages", chat_id=chat, count=PAGE, before=before)
            if not isinstance(page, dict) or not isinstance(page.get("messages"), list):
                raise malformed(NAME, "messages")
            new = [p for p in map(_publication, page["messages"]) if p.id not in seen]
            seen.update(p.id for p in new)
            for post in new:
                if since <= post.published_at < until:
                    found[post.id] = post
            if not new or min(p.published_at for p in new) < since:
                break
            before = int(min(p.published_at for p in new).timestamp() * 1000) + 1
        return sorted(found.values(), key=lambda p: p.published_at)

    def description(self, url: str) -> Description:
        """Read the channel's title and description."""
        chat = self.call(f"/chats/{self.chat_id(url)}")
        if not isinstance(chat, dict):
            raise malformed(NAME, "chat")
        return Description(
            title=str(chat.get("title") or ""), text=str(chat.get("description") or "")
        )

    def comments(self, url: str, *, post_id: str, after: str | None) -> list[Comment]:
        """Return the comments under a message newer than the comment id ``after``.

        Pages follow ``marker`` (the last comment id of a page) as ``after``.
        """
        found: list[Comment] = []
        for _ in range(MAX_PAGES):
            page = self.call(f"/messages/{post_id}/comments", count=PAGE, after=after)
            items = page.get("comments") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise malformed(NAME, "comments")
            found += [_comment(c, post_id) for c in items if isinstance(c, dict)]
            after = page.get("marker")
            if not after or not items:
                break
        return found

    def close(self) -> None:
        self.transport.close()


def _comment(item: dict[str, Any], post_id: str) -> Comment:
    try:
        published = datetime.fromtimestamp(int(item["timestamp"]) / 1000, UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise malformed(NAME, "comments.timestamp") from None
    sender = item.get("sender") or {}
    return Comment(
        id=str(item.get("comment_id") or item.get("id")),
        post_id=post_id,
        published_at=published,
        text=str((item.get("body") or {}).get("text") or item.get("text") or ""),
        author=str(sender.get("user_id") or "") if isinstance(sender, dict) else "",
    )


def _key(link: str) -> str:
    url = httpx.URL(link if "://" in link else f"https://{link}")
    return f"{url.host.removeprefix('www.')}{url.path.rstrip('/')}".lower()


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    return str(body.get("code") or response.status_code) if isinstance(body, dict) else ""


def _publication(message: Any) -> Publication:
    try:
        body = message.get("body") or {}
        published = datetime.fromtimestamp(int(message["timestamp"]) / 1000, UTC)
        mid = str(body["mid"])
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError):
        raise malformed(NAME, "timestamp/body.mid") from None
    link = message.get("link") or {}
    forwarded = isinstance(link, dict) and link.get("type") == "forward"
    return Publication(
        id=mid,
        published_at=published,
        repost=forwarded,
        own_text=bool(str(body.get("text") or "").strip()),
    )
