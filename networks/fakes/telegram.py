"""Telegram's public preview t.me/s/<name> on loopback: posts, paging by ``before``, no preview."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

from networks.fakes.base import FakeApi, Reply


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
