"""Spam and advertising (п. 2.5): links and @mentions beyond a threshold, advertising phrases,
and the same comment posted again and again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from moderation.flags import Flag

# Two links or mentions make a comment spam; one is a citizen pointing at something.
LINK_THRESHOLD = 2
# Three copies of one comment make it spam, if it says more than «Спасибо!».
REPEAT_THRESHOLD = 3
REPEAT_MIN_LETTERS = 20
# Copies count per author; a text this long, word for word from several people, is a campaign.
CAMPAIGN_WORDS = 8
_WORD = re.compile(r"[^\W_]+")

_PATH = r"(?:/(?:[^\s<>«»\"']*[^\s<>«»\"'.,;:!?)])?)?"  # a path, without the sentence's full stop
LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>«»\"'/]+"
    + _PATH
    # A domain starts where no label or dot stands before it: started inside «a.a.a.…» or
    # «1-1-1-…» the search was quadratic in the comment's length.
    + r"|(?<![\w-])(?<![a-z0-9-]\.)(?:[a-z0-9-]+\.)+(?:ru|com|net|org|su|info|me|io|biz|online|site|shop|pro|top|xyz|club|ly|cc)\b"
    + _PATH
    + r"|(?<![\w-])(?<![а-яё0-9-]\.)(?:[а-яё0-9-]+\.)+рф\b"
    + _PATH,
    re.IGNORECASE,
)
# A network named by its bare address («вас нет на ok.ru?») points at no one.
PLATFORM = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:vk\.com|vk\.ru|ok\.ru|t\.me|max\.ru|dzen\.ru|rutube\.ru"
    r"|youtube\.com|telegram\.org)/?",
    re.IGNORECASE,
)
MENTION = re.compile(r"(?<![\w.@])@[a-z0-9_.]{3,}", re.IGNORECASE)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # from a run's start: linear
# Government sites a citizen links to when answering a question: not counted.
OFFICIAL = re.compile(
    r"(?:^|[/.])(?:gosuslugi\.ru|[\w-]+\.gov\.ru|gov\.ru|nalog\.ru|novoaltaysk\.ru"
    r"|altairegion22\.ru|mos\.ru|[\w.-]*\.мвд\.рф|мвд\.рф)(?:/|$)",
    re.IGNORECASE,
)

AD = re.compile(
    r"\b(?:"
    r"заработ\w*\s+(?:от\s+)?\d[\d\s]*(?:тыс\w*|т\.?р\.?|к|руб\w*|₽)?\s*(?:в|за)\s+(?:день|недел\w+|месяц|час)"
    r"|(?:доход|заработ\w*)\s+(?:без\s+вложений|на\s+дому|в\s+интернете|онлайн)"
    r"|без\s+вложений|пассивн\w+\s+доход\w*|удал[её]нн\w+\s+работ\w*"
    r"|промокод\w*|скидк\w+\s+(?:до\s+)?\d+\s*%|казино|ставк\w+\s+на\s+спорт|букмекер\w*"
    r"|(?:кредит|займ|заем|ипотек)\w*\s+без\s+(?:справок|отказ\w*|проверк\w*|поручител\w*)"
    r"|(?:продам|продаю|куплю\s+дорого|скупаем|скупка)\b"
    r"|натяжн\w+\s+потол\w+|недорого|по\s+низким\s+ценам|в\s+наличии\s+и\s+под\s+заказ"
    r"|(?:пиши|пишите|обращайтесь|звони|звоните)\s+(?:в\s+)?(?:лс|личку|личные\s+сообщения|директ|вотсап|ватсап|whatsapp|телеграм\w*|тг)"
    r"|подпи(?:шись|шитесь|сывайтесь|сывайся)\s+на\b"
    r"|переход\w*\s+по\s+ссылке|жми\s+на\s+ссылку|ссылка\s+в\s+профиле|ссылка\s+в\s+описании"
    r")",
    re.IGNORECASE,
)


# Words of a sale that make one outside link an advertisement.
SELLING = re.compile(
    r"\b(?:вебинар\w*|инвест\w*|бонус\w*|скидк\w*|распродаж\w*|заказ\w*|купи\w*|доставк\w*"
    r"|прайс\w*|регистраци\w*|выигр\w*|розыгрыш\w*|бесплатн\w*|курс\w*|акци[яи])\b",
    re.IGNORECASE,
)


def find(text: str, *, copies: int = 1) -> list[Flag]:
    """Flag links beyond the threshold, advertising phrases, and a text posted ``copies`` times."""
    flags = list(_links(text))
    flags += [Flag("spam", m.group(), "spam.ad", m.start(), m.end()) for m in AD.finditer(text)]
    if copies >= REPEAT_THRESHOLD and len(repeat_key(text)) >= REPEAT_MIN_LETTERS:
        flags.append(Flag("spam", text.strip(), "spam.repeated", 0, len(text)))
    return flags


def is_campaign(text: str) -> bool:
    """Whether identical copies of ``text`` from different authors are spam: a long template."""
    return len(_WORD.findall(text)) >= CAMPAIGN_WORDS


def _links(text: str) -> Iterator[Flag]:
    found = _outside_links(text)
    if len(found) >= LINK_THRESHOLD:
        for m in found:
            yield Flag("spam", m.group(), "spam.links", m.start(), m.end())
    elif found and SELLING.search(text):
        yield Flag("spam", found[0].group(), "spam.ad_link", found[0].start(), found[0].end())


def _outside_links(text: str) -> list[re.Match[str]]:
    """Links and @mentions, in order, but not mailboxes nor the government's own sites."""
    mailboxes = [m.span() for m in EMAIL.finditer(text)]
    found = [
        m
        for m in [*LINK.finditer(text), *MENTION.finditer(text)]
        if not OFFICIAL.search(_site(m.group()))
        and not PLATFORM.fullmatch(m.group())
        and not any(s <= m.start() < e for s, e in mailboxes)
    ]
    return sorted(found, key=lambda m: m.start())


def _site(link: str) -> str:
    """The scheme, host and first slash of a link: where OFFICIAL looks. A host is at most
    253 characters; searching a 16 KB «www.a.a.a…» whole was quadratic."""
    host = link.partition("://")[2] if "://" in link else link
    scheme = link[: len(link) - len(host)]
    name, slash, _ = host.partition("/")
    return scheme + name[:253] + slash


def repeat_key(text: str) -> str:
    """What two copies of one comment share: its letters and digits, lower case."""
    return "".join(ch for ch in text.lower() if ch.isalnum())
