"""П. 3.1: links on an organ's page to social-network accounts srok was never told about.

A link counts when it names an account on a network srok knows (VK, OK,
Telegram, MAX, RUTUBE, Dzen): it is reduced to the same canonical address an
account is stored under (domain.networks.account_address), so m.vk.com/Name/
and vk.com/name are one account. Links that name no account are not findings:
the network's front page, share buttons, a single post or video, a redirect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from domain.errors import RuleViolation
from domain.networks import account_address

UNNOTIFIED_ACCOUNTS = "3.1"
# First path segments that name a page of the network, not an account.
NOT_ACCOUNTS = {
    "vk": ("share.php", "away.php", "video", "search", "feed", "app", "login"),
    "ok": ("dk", "video", "search", "feed", "app", "login"),
    "telegram": ("share", "joinchat", "addstickers", "proxy", "iv"),
    "max": ("share", "login"),
    "rutube": ("video", "search", "feeds", "shorts"),
    "dzen": ("a", "b", "video", "news", "search", "shorts"),
}
# vk.com/wall-1_2, vk.com/video-1_2: one post or video of someone, not an account
ONE_ITEM = re.compile(r"(wall|photo|video|clip|topic|album|doc|audio|music)-?\d+_\d+")


@dataclass(frozen=True)
class SocialLink:
    """A link on a page to a social-network account: its network and canonical address."""

    network: str
    url: str  # canonical, as srok stores accounts
    href: str  # as the page gives it, resolved against the page's address


def social_links(hrefs: Iterable[str], *, base: str) -> list[SocialLink]:
    """Return each account a page links to, once, in the page's order."""
    seen: dict[str, SocialLink] = {}
    for href in hrefs:
        absolute = urljoin(base, href.strip())
        try:
            net, url = account_address(None, absolute)
        except RuleViolation:
            continue  # not an address, or the network's front page
        if net.code == "other":
            continue
        if net.code == "telegram":
            url = url.replace("https://t.me/s/", "https://t.me/", 1)  # the public preview
        first = url.removeprefix("https://").split("/")[1]
        if first in NOT_ACCOUNTS.get(net.code, ()) or ONE_ITEM.fullmatch(first):
            continue
        if first.startswith("+"):
            continue  # a Telegram invite: a token, not the channel's address
        seen.setdefault(url, SocialLink(net.code, url, absolute))
    return list(seen.values())


def unnotified(links: Iterable[SocialLink], known: set[str]) -> list[SocialLink]:
    """Return the links whose account is none of ``known`` (canonical addresses in srok)."""
    return [link for link in links if link.url not in known]
