"""The MAX Bot API on loopback: /chats, /chats/{id}, /messages, the token in Authorization."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from networks.fakes.base import FakeApi, Reply, json_reply, unix


@dataclass
class MaxChat:
    chat_id: int
    link: str
    title: str
    description: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)  # newest first


def max_message(chat: MaxChat, number: int, when: str, **extra: Any) -> dict[str, Any]:
    return {
        "sender": None,
        "recipient": {"chat_id": chat.chat_id, "chat_type": "channel"},
        "timestamp": unix(when) * 1000,
        "body": {
            "mid": f"mid.{number}",
            "seq": number,
            "text": f"Новость {number}",
            "attachments": None,
        },
        "stat": {"views": 5},
        "url": f"{chat.link}/{number}",
        **extra,
    }


def max_comment(number: int, when: str, text: str, *, user_id: int = 3001) -> dict[str, Any]:
    """A comment under a channel message, as ``GET /messages/{mid}/comments`` gives it."""
    return {
        "comment_id": f"cmt.{number}",
        "timestamp": unix(when) * 1000,
        "sender": {"user_id": user_id, "name": "", "is_bot": False},
        "body": {"text": text},
    }


class FakeMax(FakeApi):
    """The MAX Bot API: /chats, /chats/{id}, /messages, token in the Authorization header."""

    page_size = 100

    def __init__(self, *, token: str = "max-bot-token") -> None:
        super().__init__()
        self.token = token
        self.chats: dict[int, MaxChat] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}  # by message mid, oldest first

    def add(self, chat: MaxChat) -> MaxChat:
        self.chats[chat.chat_id] = chat
        return chat

    def own_fault(self, kind: str) -> Reply:
        if kind == "token":
            return json_reply({"code": "verify.token", "message": "Invalid access_token"}, 401)
        raise AssertionError(kind)

    def reply(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        if headers.get("authorization") != self.token or "access_token" in query:
            return self.own_fault("token")
        if path == "/chats":
            chats = [self._info(c) for c in self.chats.values()]
            start = int(query.get("marker") or 0)
            count = int(query.get("count", 50))
            page = chats[start : start + count]
            marker = start + count if start + count < len(chats) else None
            return json_reply({"chats": page, "marker": marker})
        if path.startswith("/chats/"):
            chat = self.chats.get(int(path.rsplit("/", 1)[-1]))
            if chat is None:
                return json_reply({"code": "chat.denied", "message": "Bot is not a member"}, 403)
            return json_reply(self._info(chat))
        if path.startswith("/messages/") and path.endswith("/comments"):
            mid = path.removeprefix("/messages/").removesuffix("/comments")
            if not any(m["body"]["mid"] == mid for c in self.chats.values() for m in c.messages):
                return json_reply({"code": "not.found", "message": "Message not found"}, 404)
            items = self.comments.get(mid, [])
            after = query.get("after")
            if after is not None:
                ids = [c["comment_id"] for c in items]
                items = items[ids.index(after) + 1 :] if after in ids else items
            count = min(int(query.get("count", 50)), self.page_size)
            page = items[:count]
            marker = page[-1]["comment_id"] if len(items) > count else None
            return json_reply({"comments": page, "marker": marker})
        if path == "/messages":
            chat = self.chats.get(int(query["chat_id"]))
            if chat is None:
                return json_reply({"code": "chat.denied", "message": "Bot is not a member"}, 403)
            if "to" in query or "from" in query:  # deprecated in schema v0.0.33
                return json_reply({"code": "proto.payload", "message": "use before/after"}, 400)
            before = int(query.get("before") or 10**15)
            count = min(int(query.get("count", 50)), self.page_size)
            items = [m for m in chat.messages if m["timestamp"] < before][:count]
            return json_reply({"messages": items})
        return json_reply({"code": "not.found", "message": "Path not found"}, 404)

    @staticmethod
    def _info(chat: MaxChat) -> dict[str, Any]:
        return {
            "chat_id": chat.chat_id,
            "type": "channel",
            "status": "active",
            "title": chat.title,
            "description": chat.description,
            "link": chat.link,
            "is_public": True,
            "participants_count": 100,
            "messages_count": len(chat.messages),
            "last_event_time": 0,
            "pinned_message": None,
        }
