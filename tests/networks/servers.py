"""Local stand-ins of the networks' APIs, on loopback, answering in each API's real shapes.

Shapes: VK from VKCOM/vk-api-schema (5.199 and 5.131), OK from apiok.ru, the
Telegram preview from the markup snscrape reads, MAX from max-messenger/api-schema.
A test queues faults (``fake.faults.append("rate")``) that the next request meets.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.site_server import QuietHTTPServer

Reply = tuple[int, dict[str, str], bytes]


def _json(data: Any, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


class FakeApi:
    """A threaded HTTP server; subclasses answer ``reply``. Faults are met in order."""

    slow_seconds = 2.0

    def __init__(self) -> None:
        self.faults: list[str] = []
        self.methods: list[str] = []  # GET or POST, in the order of requests
        self.on_request: Callable[[str], None] | None = None  # a test's hook, given the path
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.server = QuietHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reply(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        raise NotImplementedError

    def fault(self, kind: str) -> Reply | None:
        """The reply of a queued fault common to every API, or None for the API's own."""
        if kind == "500":
            return 502, {"Content-Type": "text/html"}, b"<html>502 Bad Gateway</html>"
        if kind == "garbage":
            return 200, {"Content-Type": "application/json"}, b'{"response": {"items": [{'
        if kind == "slow":
            time.sleep(self.slow_seconds)
            return 200, {"Content-Type": "application/json"}, b"{}"
        if kind == "429":
            return 429, {"Retry-After": "0", "Content-Type": "application/json"}, b"{}"
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = self.rfile.read(length).decode()
                self.do_GET(form)

            def do_GET(self, form: str = "") -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                query.update({k: v[-1] for k, v in parse_qs(form).items()})
                api.methods.append(self.command)
                headers = {k.lower(): v for k, v in self.headers.items()}
                api.requests.append((parts.path, query, headers))
                if api.on_request is not None:
                    api.on_request(parts.path)
                reply = None
                if api.faults:
                    kind = api.faults.pop(0)
                    reply = api.fault(kind) or api.own_fault(kind)
                status, extra, body = reply or api.reply(parts.path, query, headers)
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def own_fault(self, kind: str) -> Reply:
        raise AssertionError(f"unknown fault {kind}")


def unix(text: str) -> int:
    """``2026-11-23T10:00+07:00`` as a unix time."""
    return int(datetime.fromisoformat(text).timestamp())


# ---------------------------------------------------------------- VK


@dataclass
class VkGroup:
    id: int
    screen_name: str
    name: str
    description: str = ""
    contacts: list[dict[str, Any]] = field(default_factory=list)
    main_address: dict[str, Any] | None = None
    posts: list[dict[str, Any]] = field(default_factory=list)  # newest first, pinned on top


def vk_post(group: VkGroup, number: int, when: str, **extra: Any) -> dict[str, Any]:
    """A wall item as wall.get returns it."""
    return {
        "id": number,
        "owner_id": -group.id,
        "from_id": -group.id,
        "date": unix(when),
        "post_type": "post",
        "text": f"Новость {number}",
        "is_pinned": 0,
        "comments": {"count": 0, "can_post": 1},
        "views": {"count": 10},
        **extra,
    }


class FakeVk(FakeApi):
    """``/method/<name>``: wall.get, groups.getById, wall.getComments of API 5.199."""

    def __init__(self, *, token: str = "service-token", old_shape: bool = False) -> None:
        super().__init__()
        self.token = token
        self.old_shape = old_shape
        self.groups: dict[str, VkGroup] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}

    def add(self, group: VkGroup) -> VkGroup:
        self.groups[group.screen_name] = group
        return group

    def _group(self, key: str) -> VkGroup | None:
        key = key.lstrip("-")
        for group in self.groups.values():
            if key in (group.screen_name, str(group.id), f"club{group.id}"):
                return group
        return None

    def own_fault(self, kind: str) -> Reply:
        codes = {
            "rate": (6, "Too many requests per second"),
            "token": (5, "User authorization failed: invalid access_token (4)."),
        }
        code, message = codes[kind]
        return _json({"error": {"error_code": code, "error_msg": message, "request_params": []}})

    def reply(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        if (
            headers.get("authorization") != f"Bearer {self.token}"
            and query.get("access_token") != self.token
        ):
            return self.own_fault("token")
        method = path.rsplit("/", 1)[-1]
        if query.get("v") != "5.199":
            return _json({"error": {"error_code": 8, "error_msg": "Invalid request: version"}})
        if method == "wall.get":
            group = self._group(query.get("owner_id") or query.get("domain") or "")
            if group is None:
                return _json(
                    {
                        "error": {
                            "error_code": 100,
                            "error_msg": "One of the parameters specified was missing or invalid: owner_id",
                        }
                    }
                )
            offset, count = int(query.get("offset", 0)), min(int(query.get("count", 20)), 100)
            items = group.posts[offset : offset + count]
            return _json({"response": {"count": len(group.posts), "items": items}})
        if method == "groups.getById":
            group = self._group(query.get("group_id") or query.get("group_ids") or "")
            if group is None:
                return _json({"error": {"error_code": 100, "error_msg": "Invalid group id"}})
            item: dict[str, Any] = {
                "id": group.id,
                "name": group.name,
                "screen_name": group.screen_name,
                "is_closed": 0,
                "type": "page",
                "description": group.description,
                "contacts": group.contacts,
                "verified": 1,
                "site": "https://novoaltaysk.ru",
            }
            if group.main_address:
                item["addresses"] = {
                    "is_enabled": True,
                    "main_address_id": 1,
                    "count": 1,
                    "main_address": group.main_address,
                }
            answer: Any = [item] if self.old_shape else {"groups": [item], "profiles": []}
            return _json({"response": answer})
        if method == "wall.getComments":
            items = self.comments.get(f"{query['owner_id']}_{query['post_id']}", [])
            offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
            page = items[offset : offset + count]
            return _json(
                {
                    "response": {
                        "count": len(items),
                        "current_level_count": len(items),
                        "can_post": 1,
                        "items": page,
                        "profiles": [],
                        "groups": [],
                    }
                }
            )
        return _json({"error": {"error_code": 3, "error_msg": "Unknown method passed"}})


# ---------------------------------------------------------------- OK


@dataclass
class OkGroup:
    uid: str
    name: str
    description: str = ""
    address: str = ""
    shortname: str = ""
    topics: list[dict[str, Any]] = field(default_factory=list)  # newest first


def ok_topic(group: OkGroup, number: int, when: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(number),
        "created_ms": unix(when) * 1000,
        "author_ref": f"group:{group.uid}",
        "owner_ref": f"group:{group.uid}",
        "media": [{"type": "text", "text": f"Новость {number}"}],
        "discussion_summary": {"comments_count": 0},
        **extra,
    }


class FakeOk(FakeApi):
    """``/fb.do``: checks the md5 signature as apiok.ru describes, then answers."""

    page_size = 20

    def __init__(
        self, *, app_key: str = "CBAXYZ", secret: str = "SECRET", token: str = "tkn-1"
    ) -> None:
        super().__init__()
        self.app_key, self.secret, self.token = app_key, secret, token
        self.groups: dict[str, OkGroup] = {}

    def add(self, group: OkGroup) -> OkGroup:
        self.groups[group.uid] = group
        return group

    def own_fault(self, kind: str) -> Reply:
        codes = {
            "rate": (8, "FLOOD_BLOCKED"),
            "token": (102, "PARAM_SESSION_EXPIRED : Session expired"),
        }
        code, message = codes[kind]
        return _json({"error_code": code, "error_msg": message, "error_data": None})

    def _signed(self, query: dict[str, str]) -> bool:
        session_secret = hashlib.md5((self.token + self.secret).encode()).hexdigest()
        rest = sorted(
            (k, v) for k, v in query.items() if k not in ("sig", "access_token", "session_key")
        )
        expected = hashlib.md5(
            ("".join(f"{k}={v}" for k, v in rest) + session_secret).encode()
        ).hexdigest()
        return query.get("sig") == expected

    def reply(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        if path != "/fb.do":
            return 404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"
        if query.get("access_token") != self.token:
            return self.own_fault("token")
        if query.get("application_key") != self.app_key or not self._signed(query):
            return _json({"error_code": 104, "error_msg": "PARAM_SIGNATURE : Invalid signature"})
        method = query.get("method")
        if method == "url.getInfo":
            name = query["url"].rstrip("/").rsplit("/", 1)[-1]
            for group in self.groups.values():
                if group.shortname == name:
                    return _json({"type": "GROUP", "objectId": int(group.uid)})
            return _json({"type": "UNKNOWN"})
        if method == "group.getInfo":
            found = [g for uid, g in self.groups.items() if uid in query["uids"].split(",")]
            return _json(
                [
                    {
                        "uid": g.uid,
                        "name": g.name,
                        "description": g.description,
                        "address": g.address,
                    }
                    for g in found
                ]
            )
        if method == "mediatopic.getTopics":
            topics_of = self.groups.get(query.get("gid", ""))
            if topics_of is None:
                return _json({"error_code": 300, "error_msg": "NOT_FOUND"})
            start = int(query.get("anchor") or 0)
            count = min(int(query.get("count", 20)), self.page_size)
            items = topics_of.topics[start : start + count]
            more = start + count < len(topics_of.topics)
            return _json({"media_topics": items, "anchor": str(start + count), "has_more": more})
        if method == "discussions.getComments":
            return _json(
                {
                    "comments": [
                        {
                            "id": "c1",
                            "text": "Спасибо",
                            "date": "2026-11-24 03:00:00",
                            "author_id": "77",
                        }
                    ],
                    "entities": {"users": []},
                }
            )
        return _json({"error_code": 3, "error_msg": "METHOD : Method not found"})


# ---------------------------------------------------------------- Telegram


@dataclass
class TgPost:
    id: int
    when: str  # ISO with offset
    text: str = "Новость"
    forwarded: bool = False
    service: bool = False


@dataclass
class TgChannel:
    name: str
    title: str
    description: str = ""
    posts: list[TgPost] = field(default_factory=list)  # oldest first
    public: bool = True


class FakeTelegram(FakeApi):
    """``/s/<name>``: the public preview, 20 posts a page, oldest to newest, "more" link back."""

    page_size = 20

    def __init__(self) -> None:
        super().__init__()
        self.channels: dict[str, TgChannel] = {}

    def add(self, channel: TgChannel) -> TgChannel:
        self.channels[channel.name] = channel
        return channel

    def own_fault(self, kind: str) -> Reply:
        raise AssertionError(kind)

    def reply(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        name = path.removeprefix("/s/")
        channel = self.channels.get(name)
        if channel is None or not channel.public:
            return 302, {"Location": f"/{name}"}, b""
        before = int(query.get("before") or 10**12)
        older = [p for p in channel.posts if p.id < before]
        page = older[-self.page_size :]
        more = ""
        if len(older) > len(page):
            more = f'<a class="tme_messages_more js-messages_more" data-before="{page[0].id}" href="/s/{name}?before={page[0].id}"></a>'
        body = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(channel.title)} – Telegram</title></head>
<body class="widget_frame_base tgme_webpreview">
<header class="tgme_header"><div class="tgme_header_info">
<div class="tgme_channel_info"><div class="tgme_channel_info_header">
<div class="tgme_channel_info_header_title"><span dir="auto">{html.escape(channel.title)}</span></div></div>
<div class="tgme_channel_info_description">{html.escape(channel.description).replace(chr(10), "<br/>")}</div>
</div></div></header>
<main class="tgme_main"><section class="tgme_channel_history js-message_history">{more}
{"".join(self._post(name, p) for p in page)}
</section></main></body></html>"""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    def _post(self, name: str, post: TgPost) -> str:
        when = datetime.fromisoformat(post.when).astimezone(UTC).isoformat()
        service = " service_message" if post.service else ""
        forwarded = (
            '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_message_forwarded_from_name" href="https://t.me/other">Другой</a></div>'
            if post.forwarded
            else ""
        )
        text = (
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{html.escape(post.text)}<br/>вторая строка</div>'
            if post.text
            else ""
        )
        return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message{service}" data-post="{name}/{post.id}" data-view="x">
<div class="tgme_widget_message_bubble">{forwarded}{text}<p>абзац без закрытия
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info">
<span class="tgme_widget_message_views">1.2K</span><span class="copyonclick"><a class="tgme_widget_message_date" href="https://t.me/{name}/{post.id}"><time datetime="{when}" class="time">12:00</time></a></span>
</div></div></div></div></div>"""


# ---------------------------------------------------------------- MAX


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


class FakeMax(FakeApi):
    """The MAX Bot API: /chats, /chats/{id}, /messages, token in the Authorization header."""

    page_size = 100

    def __init__(self, *, token: str = "max-bot-token") -> None:
        super().__init__()
        self.token = token
        self.chats: dict[int, MaxChat] = {}

    def add(self, chat: MaxChat) -> MaxChat:
        self.chats[chat.chat_id] = chat
        return chat

    def own_fault(self, kind: str) -> Reply:
        if kind == "token":
            return _json({"code": "verify.token", "message": "Invalid access_token"}, 401)
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
            return _json({"chats": page, "marker": marker})
        if path.startswith("/chats/"):
            chat = self.chats.get(int(path.rsplit("/", 1)[-1]))
            if chat is None:
                return _json({"code": "chat.denied", "message": "Bot is not a member"}, 403)
            return _json(self._info(chat))
        if path == "/messages":
            chat = self.chats.get(int(query["chat_id"]))
            if chat is None:
                return _json({"code": "chat.denied", "message": "Bot is not a member"}, 403)
            if "to" in query or "from" in query:  # deprecated in schema v0.0.33
                return _json({"code": "proto.payload", "message": "use before/after"}, 400)
            before = int(query.get("before") or 10**15)
            count = min(int(query.get("count", 50)), self.page_size)
            items = [m for m in chat.messages if m["timestamp"] < before][:count]
            return _json({"messages": items})
        return _json({"code": "not.found", "message": "Path not found"}, 404)

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


def serve(api: FakeApi) -> Iterator[FakeApi]:
    api.start()
    try:
        yield api
    finally:
        api.stop()
