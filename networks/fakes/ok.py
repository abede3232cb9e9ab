"""Odnoklassniki's fb.do on loopback, checking the md5 signature as apiok.ru describes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from networks.fakes.base import FakeApi, Reply, json_reply, unix


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


def ok_comment(number: str, when_utc: str, text: str, *, author: str = "5800001") -> dict[str, Any]:
    """A comment as discussions.getComments returns it: the date without a zone, read as UTC."""
    return {"id": number, "text": text, "date": when_utc, "author_id": author}


class FakeOk(FakeApi):
    """``/fb.do``: checks the md5 signature as apiok.ru describes, then answers."""

    page_size = 20

    def __init__(
        self, *, app_key: str = "CBAXYZ", secret: str = "SECRET", token: str = "tkn-1"
    ) -> None:
        super().__init__()
        self.app_key, self.secret, self.token = app_key, secret, token
        self.groups: dict[str, OkGroup] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}  # by topic id, oldest first

    def add(self, group: OkGroup) -> OkGroup:
        self.groups[group.uid] = group
        return group

    def own_fault(self, kind: str) -> Reply:
        codes = {
            "rate": (8, "FLOOD_BLOCKED"),
            "token": (102, "PARAM_SESSION_EXPIRED : Session expired"),
        }
        code, message = codes[kind]
        return json_reply({"error_code": code, "error_msg": message, "error_data": None})

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
            return json_reply(
                {"error_code": 104, "error_msg": "PARAM_SIGNATURE : Invalid signature"}
            )
        method = query.get("method")
        if method == "url.getInfo":
            name = query["url"].rstrip("/").rsplit("/", 1)[-1]
            for group in self.groups.values():
                if group.shortname == name:
                    return json_reply({"type": "GROUP", "objectId": int(group.uid)})
            return json_reply({"type": "UNKNOWN"})
        if method == "group.getInfo":
            found = [g for uid, g in self.groups.items() if uid in query["uids"].split(",")]
            return json_reply(
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
                return json_reply({"error_code": 300, "error_msg": "NOT_FOUND"})
            start = int(query.get("anchor") or 0)
            count = min(int(query.get("count", 20)), self.page_size)
            items = topics_of.topics[start : start + count]
            more = start + count < len(topics_of.topics)
            return json_reply(
                {"media_topics": items, "anchor": str(start + count), "has_more": more}
            )
        if method == "discussions.getComments":
            if query.get("discussionType") != "GROUP_TOPIC":
                return json_reply({"error_code": 100, "error_msg": "PARAM : discussionType"})
            items = self.comments.get(query.get("discussionId", ""), [])
            start = int(query.get("anchor") or 0)
            count = min(int(query.get("count", 20)), self.page_size)
            more = start + count < len(items)
            return json_reply(
                {
                    "comments": items[start : start + count],
                    "anchor": str(start + count),
                    "has_more": more,
                    "entities": {"users": []},
                }
            )
        return json_reply({"error_code": 3, "error_msg": "METHOD : Method not found"})
