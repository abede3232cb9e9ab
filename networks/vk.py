"""VK (ВКонтакте): wall.get and groups.getById of API 5.199, with a service token.

The base URL and the CA bundle are settings: VK moves server calls to hosts
signed by the Russian (Минцифры) root. The token travels in the Authorization
header, never in a logged URL. Error 6 (too many requests) is waited out;
5 and 28 (the token) stop the whole network's check with a clear message.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from domain.posting import Publication
from networks.base import CannotBeChecked, Comment, Description, NotChecked
from networks.http import Transport, account_path, malformed

NAME = "ВКонтакте"
VERSION = "5.199"
PAGE = 100
_NUMERIC = re.compile(r"^(?:club|public|event)(\d+)$")
_RATE = 6
_TOKEN = {5: "токен не принят (истёк или отозван)", 28: "токен приложения не принят"}
_ACCOUNT = {15: "нет доступа", 18: "сообщество заблокировано", 30: "профиль закрыт",
            100: "сообщество не найдено", 203: "нет доступа к сообществу"}  # fmt: skip


class VkClient:
    """Read a VK community's wall and description."""

    network = "vk"

    def __init__(self, transport: Transport, *, token: str) -> None:
        self.transport = transport
        self._headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, **params: Any) -> Any:
        """Call one method; return its ``response`` or raise NotChecked in Russian."""
        for attempt in range(self.transport.retries + 1):
            response = self.transport.get(
                f"/{method}", params={**params, "v": VERSION}, headers=self._headers
            )
            body = self.transport.json(response)
            if not isinstance(body, dict):
                raise malformed(NAME, "response")
            error = body.get("error")
            if error is None:
                if "response" not in body:
                    raise malformed(NAME, "response")
                return body["response"]
            code = error.get("error_code") if isinstance(error, dict) else None
            if code == _RATE and attempt < self.transport.retries:
                self.transport.sleep(self.transport.wait_for(None, attempt))
                continue
            raise _error(code, error, method)
        raise AssertionError("unreachable")  # pragma: no cover

    def publications(self, url: str, *, since: datetime, until: datetime) -> list[Publication]:
        """Page the wall newest first until a post older than ``since`` that is not pinned."""
        found: list[Publication] = []
        offset = 0
        while True:
            page = self.call("wall.get", **_owner(url), count=PAGE, offset=offset, filter="owner")
            items = _items(page)
            for item in items:
                post = _publication(item)
                if since <= post.published_at < until:
                    found.append(post)
                if post.published_at < since and not post.pinned:
                    return found
            offset += len(items)
            if not items or offset >= int(page.get("count", 0)):
                return found

    def description(self, url: str) -> Description:
        """Read the community's description, contacts, main address and site."""
        fields = "description,contacts,addresses,site,status,verified"
        answer = self.call("groups.getById", group_id=account_path(url, NAME), fields=fields)
        groups = answer.get("groups") if isinstance(answer, dict) else answer
        if not isinstance(groups, list) or not groups or not isinstance(groups[0], dict):
            raise malformed(NAME, "groups")
        group = groups[0]
        contacts = [c for c in group.get("contacts") or [] if isinstance(c, dict)]
        main = (group.get("addresses") or {}).get("main_address") or {}
        address = ", ".join(
            str(main[k]) for k in ("title", "address", "additional_address") if main.get(k)
        )
        phones = [str(c["phone"]) for c in contacts if c.get("phone")]
        if main.get("phone"):
            phones.append(str(main["phone"]))
        text = "\n".join(
            part for part in (str(group.get("description") or ""), address) if part.strip()
        )
        return Description(
            title=str(group.get("name") or ""),
            text=text,
            phones=tuple(phones),
            emails=tuple(str(c["email"]) for c in contacts if c.get("email")),
            addresses=(address,) if address else (),
            site=str(group.get("site") or ""),
        )

    def comments(self, url: str, *, post_id: str, after: str | None) -> list[Comment]:
        """Return the comments under a post with an id greater than ``after``, oldest first."""
        owner = post_id.split("_")[0]
        number = post_id.split("_")[-1]
        found: list[Comment] = []
        seen: set[str] = set()
        offset = 0
        while True:
            page = self.call(
                "wall.getComments",
                owner_id=owner,
                post_id=number,
                count=PAGE,
                offset=offset,
                sort="asc",
            )
            items = _items(page)
            ids = {str(item.get("id")) for item in items}
            if not ids - seen:  # the same page again: a count that lies would page forever
                return found
            seen |= ids
            for item in items:
                if item.get("deleted"):  # a removed comment kept as the root of a thread
                    continue
                if after is None or int(item.get("id", 0)) > int(after):
                    found.append(
                        Comment(
                            id=str(item["id"]),
                            post_id=post_id,
                            published_at=datetime.fromtimestamp(int(item["date"]), UTC),
                            text=str(item.get("text") or ""),
                            author=str(item.get("from_id") or ""),
                        )
                    )
            offset += len(items)
            if not items or offset >= int(page.get("current_level_count", page.get("count", 0))):
                return found

    def close(self) -> None:
        self.transport.close()


def _owner(url: str) -> dict[str, Any]:
    name = account_path(url, NAME)
    numeric = _NUMERIC.match(name)
    return {"owner_id": f"-{numeric.group(1)}"} if numeric else {"domain": name}


def _items(page: Any) -> list[dict[str, Any]]:
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        raise malformed(NAME, "items")
    return [i for i in page["items"] if isinstance(i, dict)]


def _publication(item: dict[str, Any]) -> Publication:
    try:
        owner, date = int(item["owner_id"]), int(item["date"])
        published = datetime.fromtimestamp(date, UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise malformed(NAME, "owner_id/date") from None
    post_type = str(item.get("post_type") or "post")
    return Publication(
        id=f"{owner}_{item.get('id')}",
        published_at=published,
        by_account=int(item.get("from_id", owner)) == owner,
        repost=bool(item.get("copy_history")),
        own_text=bool(str(item.get("text") or "").strip()),
        pinned=bool(item.get("is_pinned")),
        postponed=post_type in ("postpone", "suggest"),
        deleted=bool(item.get("is_deleted")),
    )


def _error(code: Any, error: Any, method: str) -> NotChecked:
    message = str(error.get("error_msg", "")) if isinstance(error, dict) else ""
    if code in _TOKEN:
        return NotChecked(
            f"{NAME}: {_TOKEN[code]} (код {code}): проверьте SROK_VK_TOKEN; проверка сети остановлена",
            stop=True,
        )
    if code in _ACCOUNT:
        return CannotBeChecked(f"{NAME}: {_ACCOUNT[code]} (код {code}, {method})")
    if code == _RATE:
        return NotChecked(f"{NAME}: слишком много запросов (код 6), ограничение не снято")
    return NotChecked(f"{NAME}: ошибка {code} в {method}: {message[:100]}")
