"""VK API 5.199 on loopback: wall.get, groups.getById, wall.getComments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from networks.fakes.base import FakeApi, Reply, json_reply, unix


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


def vk_comment(
    group: VkGroup,
    post: int,
    number: int,
    when: str,
    text: str,
    *,
    from_id: int = 1001,
    **extra: Any,
) -> dict[str, Any]:
    """A comment as wall.getComments returns it (top level: ``parents_stack`` empty)."""
    return {
        "id": number,
        "from_id": from_id,
        "date": unix(when),
        "text": text,
        "post_id": post,
        "owner_id": -group.id,
        "parents_stack": [],
        "thread": {"count": 0, "items": [], "can_post": True},
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

    def add_comment(self, group: VkGroup, post: int, comment: dict[str, Any]) -> dict[str, Any]:
        """Put a comment under post ``post`` of ``group``, oldest first as ``sort=asc`` reads."""
        self.comments.setdefault(f"-{group.id}_{post}", []).append(comment)
        return comment

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
        return json_reply(
            {"error": {"error_code": code, "error_msg": message, "request_params": []}}
        )

    def reply(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        if (
            headers.get("authorization") != f"Bearer {self.token}"
            and query.get("access_token") != self.token
        ):
            return self.own_fault("token")
        method = path.rsplit("/", 1)[-1]
        if query.get("v") != "5.199":
            return json_reply({"error": {"error_code": 8, "error_msg": "Invalid request: version"}})
        if method == "wall.get":
            group = self._group(query.get("owner_id") or query.get("domain") or "")
            if group is None:
                return json_reply(
                    {
                        "error": {
                            "error_code": 100,
                            "error_msg": "One of the parameters specified was missing or invalid: owner_id",
                        }
                    }
                )
            offset, count = int(query.get("offset", 0)), min(int(query.get("count", 20)), 100)
            items = group.posts[offset : offset + count]
            return json_reply({"response": {"count": len(group.posts), "items": items}})
        if method == "groups.getById":
            group = self._group(query.get("group_id") or query.get("group_ids") or "")
            if group is None:
                return json_reply({"error": {"error_code": 100, "error_msg": "Invalid group id"}})
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
            return json_reply({"response": answer})
        if method == "wall.getComments":
            items = self.comments.get(f"{query['owner_id']}_{query['post_id']}", [])
            offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
            page = items[offset : offset + count]
            return json_reply(
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
        return json_reply({"error": {"error_code": 3, "error_msg": "Unknown method passed"}})
