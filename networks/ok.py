"""Odnoklassniki (Одноклассники): fb.do with the md5 signature, group.getInfo, the group's topics.

The signature (apiok.ru): drop ``access_token`` and ``session_key``, sort the
rest by name, join them as ``k=v`` with no separator, append the secret key
(``md5(access_token + application_secret_key)`` with a session, else the
application secret) and take the lowercase md5. Signing with the token left in
the string is a known mistake of public code; tests/networks holds the
documented test vector.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.posting import Publication
from networks.base import CannotBeChecked, Comment, Description, NotChecked
from networks.http import Transport, account_path, malformed

NAME = "Одноклассники"
PAGE = 100
_GROUP = re.compile(r"^group/(\d+)$")
_FLOOD = 8
_TOKEN = {102: "сессия истекла", 103: "ключ сессии не принят", 104: "подпись не принята"}
_ACCOUNT = {10: "нет прав на чтение группы", 100: "группа не найдена", 300: "группа не найдена",
            455: "нет прав на чтение группы"}  # fmt: skip


def secret_key(*, access_token: str | None, application_secret_key: str) -> str:
    """Return the key a request is signed with: with a session, md5(token + secret)."""
    if not access_token:
        return application_secret_key
    return hashlib.md5((access_token + application_secret_key).encode()).hexdigest().lower()


def signature(params: Mapping[str, Any], *, secret: str) -> str:
    """Sign the parameters: sorted ``k=v`` without the token, then the secret key, md5."""
    signed = {k: v for k, v in params.items() if k not in ("access_token", "session_key", "sig")}
    joined = "".join(f"{k}={signed[k]}" for k in sorted(signed))
    return hashlib.md5((joined + secret).encode()).hexdigest().lower()


class OkClient:
    """Read an OK group's topics and description."""

    network = "ok"

    def __init__(self, transport: Transport, *, app_key: str, secret: str, token: str) -> None:
        self.transport = transport
        self.app_key = app_key
        self.token = token
        self._secret = secret_key(access_token=token, application_secret_key=secret)
        # The endpoint itself: httpx would ask base_url + "/" (…/fb.do/) for a relative "".
        self._endpoint = str(transport.client.base_url).rstrip("/")

    def call(self, method: str, **params: Any) -> Any:
        """Call one method of fb.do, signed; return the answer or raise NotChecked."""
        for attempt in range(self.transport.retries + 1):
            query: dict[str, Any] = {
                **{k: v for k, v in params.items() if v is not None},
                "application_key": self.app_key,
                "format": "json",
                "method": method,
            }
            query["sig"] = signature(query, secret=self._secret)
            query["access_token"] = self.token
            body = self.transport.json(self.transport.post_form(self._endpoint, form=query))
            if isinstance(body, dict) and "error_code" in body:
                code = body.get("error_code")
                if code == _FLOOD and attempt < self.transport.retries:
                    self.transport.sleep(self.transport.wait_for(None, attempt))
                    continue
                raise _error(code, str(body.get("error_msg") or ""), method)
            return body
        raise AssertionError("unreachable")  # pragma: no cover

    def group_id(self, url: str) -> str:
        """Return the group's numeric id: from ``/group/<id>``, else asked with url.getInfo."""
        path = account_path(url, NAME)
        numeric = _GROUP.match(path)
        if numeric:
            return numeric.group(1)
        info = self.call("url.getInfo", url=url)
        if not isinstance(info, dict) or info.get("type") != "GROUP" or not info.get("objectId"):
            raise CannotBeChecked(f"{NAME}: по адресу {url} не группа")
        return str(info["objectId"])

    def publications(self, url: str, *, since: datetime, until: datetime) -> list[Publication]:
        """Page the group's topics newest first; the first may be pinned, so it never stops the paging."""
        gid = self.group_id(url)
        found: list[Publication] = []
        anchor: str | None = None
        first = True
        while True:
            page = self.call("mediatopic.getTopics", gid=gid, count=PAGE, anchor=anchor)
            if not isinstance(page, dict) or not isinstance(page.get("media_topics"), list):
                raise malformed(NAME, "media_topics")
            for item in page["media_topics"]:
                post = _publication(item, gid)
                if since <= post.published_at < until:
                    found.append(post)
                if post.published_at < since and not post.pinned and not first:
                    return found
                first = False
            anchor = page.get("anchor")
            if not page.get("has_more") or not anchor or not page["media_topics"]:
                return found

    def description(self, url: str) -> Description:
        """Read the group's name, description and address (OK gives no phone field)."""
        fields = "uid,name,description,address,city,homepage_url,phone,email"
        answer = self.call("group.getInfo", uids=self.group_id(url), fields=fields)
        groups = answer.get("groups") if isinstance(answer, dict) else answer
        if not isinstance(groups, list) or not groups or not isinstance(groups[0], dict):
            raise CannotBeChecked(f"{NAME}: группа {url} не найдена")
        group = groups[0]
        address = group.get("address")
        if isinstance(address, dict):
            address = ", ".join(str(v) for v in address.values() if v)
        address_text = ", ".join(
            str(part) for part in (address, group.get("city")) if part and str(part).strip()
        )
        text = "\n".join(p for p in (str(group.get("description") or ""), address_text) if p)
        return Description(
            title=str(group.get("name") or ""),
            text=text,
            phones=(str(group["phone"]),) if group.get("phone") else (),
            emails=(str(group["email"]),) if group.get("email") else (),
            addresses=(address_text,) if address_text else (),
            site=str(group.get("homepage_url") or ""),
        )

    def comments(self, url: str, *, post_id: str, after: str | None) -> list[Comment]:
        """Return the comments of a group topic newer than the comment id ``after``, oldest first.

        ``post_id`` is the publication's id, ``<gid>_<topic>``; the discussion is the
        topic. Pages follow ``anchor`` while ``has_more``. OK writes comment dates as
        ``YYYY-MM-DD HH:MM:SS`` without a zone; srok reads them as UTC. Both the paging
        and the zone are unchecked against the live API.
        """
        found: list[Comment] = []
        seen: set[str] = set()
        anchor: str | None = None
        while True:
            answer = self.call(
                "discussions.getComments",
                discussionId=post_id.split("_")[-1],
                discussionType="GROUP_TOPIC",
                count=PAGE,
                anchor=anchor,
            )
            if not isinstance(answer, dict) or not isinstance(answer.get("comments"), list):
                raise malformed(NAME, "comments")
            page_ids = {str(i.get("id")) for i in answer["comments"] if isinstance(i, dict)}
            if not page_ids - seen:  # the same page again: a has_more that lies would page forever
                break
            seen |= page_ids
            for item in answer["comments"]:
                try:
                    published = datetime.strptime(str(item["date"]), "%Y-%m-%d %H:%M:%S")
                except (KeyError, TypeError, ValueError):
                    raise malformed(NAME, "comments.date") from None
                found.append(
                    Comment(
                        id=str(item["id"]),
                        post_id=post_id,
                        published_at=published.replace(tzinfo=UTC),
                        text=str(item.get("text") or ""),
                        author=str(item.get("author_id") or ""),
                    )
                )
            anchor = answer.get("anchor")
            if not answer.get("has_more") or not anchor or not answer["comments"]:
                break
        if after is None:
            return found
        ids = [c.id for c in found]
        return found[ids.index(after) + 1 :] if after in ids else found

    def close(self) -> None:
        self.transport.close()


def _publication(item: Any, gid: str) -> Publication:
    try:
        published = datetime.fromtimestamp(int(item["created_ms"]) / 1000, UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise malformed(NAME, "created_ms") from None
    media = [m for m in item.get("media") or [] if isinstance(m, dict)]
    kinds = {m.get("type") for m in media}
    text = " ".join(str(m.get("text") or "") for m in media if m.get("type") == "text")
    return Publication(
        id=f"{gid}_{item.get('id')}",
        published_at=published,
        by_account=str(item.get("author_ref") or f"group:{gid}") == f"group:{gid}",
        repost="reshare" in kinds,
        own_text=bool(text.strip()),
        pinned=bool(item.get("is_pinned") or item.get("on_top")),
        deleted=bool(item.get("deleted")),
    )


def _error(code: Any, message: str, method: str) -> NotChecked:
    if code in _TOKEN:
        return NotChecked(
            f"{NAME}: {_TOKEN[code]} (код {code}): проверьте SROK_OK_TOKEN, SROK_OK_SECRET; "
            "проверка сети остановлена",
            stop=True,
        )
    if code in _ACCOUNT:
        return CannotBeChecked(f"{NAME}: {_ACCOUNT[code]} (код {code}, {method})")
    if code == _FLOOD:
        return NotChecked(f"{NAME}: слишком много запросов (код 8), ограничение не снято")
    return NotChecked(f"{NAME}: ошибка {code} в {method}: {message[:100]}")
