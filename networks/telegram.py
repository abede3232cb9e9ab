"""Telegram: the channel's public preview ``t.me/s/<name>``, read without a token.

The Bot API cannot read a channel's history and MTProto needs a person's
login, so srok reads the page residents see. Posts on a page run oldest to
newest; the "more" link pages back with ``?before=<id>``. A redirect away from
``/s/`` means the channel has no public preview: "cannot be checked", never
zero posts. Comments are not in the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

from domain.posting import Publication
from networks.base import CannotBeChecked, Comment, Description
from networks.http import Transport, account_path, malformed

NAME = "Telegram"
MAX_PAGES = 200  # a week of even a busy channel is a few pages; a loop guard, not a limit


@dataclass
class _Post:
    id: str
    published: str = ""
    text: bool = False
    forwarded: bool = False
    service: bool = False


@dataclass
class Preview:
    """What one page of the preview shows."""

    title: str = ""
    description: str = ""
    is_channel: bool = False
    posts: list[_Post] = field(default_factory=list)
    before: str | None = None


class _PreviewParser(HTMLParser):
    """Read posts, the channel's title and description, and the "more" link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Preview()
        self._stack: list[tuple[str, frozenset[str]]] = []
        self._post: _Post | None = None
        self._post_depth = 0
        self._capture: str | None = None  # "title" or "description"
        self._capture_depth = 0
        self._parts: dict[str, list[str]] = {"title": [], "description": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = frozenset(values.get("class", "").split())
        if tag == "br" and self._capture:
            self._parts[self._capture].append("\n")
            return
        if tag in ("br", "img", "meta", "link", "input", "source"):
            return  # void elements never close
        self._stack.append((tag, classes))
        depth = len(self._stack)
        if "tgme_widget_message" in classes and values.get("data-post"):
            self._post = _Post(id=values["data-post"].rsplit("/", 1)[-1])
            self._post.service = "service_message" in classes
            self._post_depth = depth
        elif self._post is not None:
            if "tgme_widget_message_text" in classes:
                self._post.text = True
            if "tgme_widget_message_forwarded_from" in classes:
                self._post.forwarded = True
            if "tgme_widget_message_service" in classes or "service_message" in classes:
                self._post.service = True
            if tag == "time" and values.get("datetime") and not self._post.published:
                self._post.published = values["datetime"]
        if "tgme_channel_info" in classes:
            self.page.is_channel = True
        if "tme_messages_more" in classes and values.get("data-before"):
            self.page.before = values["data-before"]
        for key, css in (
            ("title", "tgme_channel_info_header_title"),
            ("description", "tgme_channel_info_description"),
        ):
            if css in classes and self._capture is None:
                self._capture, self._capture_depth = key, depth

    def handle_endtag(self, tag: str) -> None:
        if all(open_tag != tag for open_tag, _ in self._stack):
            return  # a stray or void end tag (<br/>): nothing of ours closes
        while self._stack and self._stack[-1][0] != tag:
            self._stack.pop()  # an unclosed <p> or <a>: HTML forgives, so do we
        depth = len(self._stack)
        if self._stack:
            self._stack.pop()
        if self._post is not None and depth == self._post_depth:
            self.page.posts.append(self._post)
            self._post = None
        if self._capture is not None and depth == self._capture_depth:
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._parts[self._capture].append(data)

    def close(self) -> None:
        super().close()
        self.page.title = "".join(self._parts["title"]).strip()
        self.page.description = "".join(self._parts["description"]).strip()


def parse_preview(html: str) -> Preview:
    """Parse one preview page."""
    parser = _PreviewParser()
    parser.feed(html)
    parser.close()
    return parser.page


class TelegramClient:
    """Read a public channel's preview."""

    network = "telegram"

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        # The newest page of the last channel read: п. 2.1 and п. 2.4 read the same page.
        self._first: tuple[str, Preview] | None = None

    def page(self, url: str, before: str | None = None) -> Preview:
        """Fetch one page of the preview; no preview is CannotBeChecked."""
        if before is None and self._first is not None and self._first[0] == url:
            return self._first[1]
        name = account_path(url, NAME)
        if name.startswith(("+", "joinchat/")):
            raise CannotBeChecked(
                f"{NAME}: {url} — закрытый канал по приглашению, предпросмотра нет"
            )
        path = f"/s/{name}"
        response = self.transport.get(
            path, params={"before": before} if before else None, follow_redirects=False
        )
        if response.is_redirect or response.status_code == 404:
            raise CannotBeChecked(
                f"{NAME}: у канала {url} нет публичного предпросмотра (t.me/s/{name}): "
                "число публикаций проверить нельзя"
            )
        if response.status_code != 200:
            raise CannotBeChecked(f"{NAME}: предпросмотр {url} ответил HTTP {response.status_code}")
        preview = parse_preview(response.text)
        if not preview.is_channel and not preview.posts:
            raise CannotBeChecked(f"{NAME}: по адресу {url} нет публичного канала")
        if before is None:
            self._first = (url, preview)
        return preview

    def publications(self, url: str, *, since: datetime, until: datetime) -> list[Publication]:
        """Page back with ``before`` until a page starts before ``since``."""
        found: list[Publication] = []
        before: str | None = None
        for _ in range(MAX_PAGES):
            preview = self.page(url, before)
            posts = [p for p in preview.posts if not p.service]
            publications = [_publication(p) for p in posts]
            found += [p for p in publications if since <= p.published_at < until]
            oldest = min((p.published_at for p in publications), default=None)
            if oldest is None or oldest < since or not preview.before:
                break
            before = preview.before
        return sorted({p.id: p for p in found}.values(), key=lambda p: p.published_at)

    def description(self, url: str) -> Description:
        """Read the channel's title and description from the preview."""
        preview = self.page(url)
        return Description(title=preview.title, text=preview.description)

    def comments(self, url: str, *, post_id: str, after: str | None) -> list[Comment]:
        raise CannotBeChecked(f"{NAME}: в публичном предпросмотре нет комментариев")

    def close(self) -> None:
        self.transport.close()


def _publication(post: _Post) -> Publication:
    try:
        published = datetime.fromisoformat(post.published).astimezone(UTC)
    except ValueError:
        raise malformed(NAME, f"time[datetime] у публикации {post.id}") from None
    return Publication(
        id=post.id,
        published_at=published,
        repost=post.forwarded,
        own_text=post.text and not post.forwarded,
    )
