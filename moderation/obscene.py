"""Obscene words (ненормативная лексика, п. 2.5), spaced-out and disguised spellings too.

python-obscene-words-filter's regular expressions are the base. Run over the whole
text they match across words («клуб. Ляпин») and inside ordinary words («команда»,
«плохую», «Олеговна»), so here they run one word at a time, after undoing the usual
disguises, and a match counts only where an obscene root can stand: at the start of the
word or after a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from obscene_words_filter import conf

from moderation.flags import Flag

# Latin letters and digits that stand in for Cyrillic ones inside a Cyrillic word;
# other symbols hide a letter, as a star does.
LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "u": "и",
        "x": "х",
        "y": "у",
        "0": "о",
        "3": "з",
        "6": "б",
        "@": "*",
        "#": "*",
        "$": "*",
        "%": "*",
    }
)
CYRILLIC = re.compile(r"[а-яё]")
NOT_LETTER = re.compile(r"[^а-яё*]")
TOKEN = re.compile(r"\S+")
EDGE_STARS = re.compile(r"^\*{2,}|\*{2,}$")
REPEATS = re.compile(r"([а-яё])\1{2,}")
EDGE_PUNCTUATION = "\"'«»„“”()[]{}.,!?;:…–—-"

# Ordinary words the library's expressions catch in the middle of a word, found by running
# every form of pymorphy3's dictionary (5.1 million) through this module. Most are caught
# by where the match stands (see _valid); these few are not.
# «бляха» is a badge, and a euphemism, not the word itself.
INNOCENT_STEMS = (
    "скипидар",
    "лапидар",
    "тепидар",
    "эпидерм",
    "чмок",
    "чмых",
    "бляш",
    "блям",
    "блях",
)
# Prefixes an obscene root takes: «на-», «за-», «разъ-»... A match after anything else is the
# inside of an ordinary word: «су-хую», «неб-лаго-», «кулебака», «Оле-говна», «спло-хует».
PREFIXES = frozenset(
    {"", "на", "по", "ни", "не", "до", "от", "за", "о", "об", "рас", "раз", "при", "под"}
    | {"пере", "недо", "вы", "у", "про", "с", "съ", "въ", "объ", "отъ", "подъ", "разъ", "изъ"}
)

# The library's expressions without their «[а-я]*» on either side: within one word the
# match is the whole word anyway, and the bare cores search in linear time.
CORES = re.compile(
    "|".join(p.removeprefix("[а-я]*").removesuffix("[а-я]*") for p in conf.bad_words),
    re.IGNORECASE,
)

# Words python-obscene-words-filter 0.1.6 misses (the notes name «сука»).
EXTRA = re.compile(
    r"^(?:"
    r"сук(?:а|и|е|у|ой|ою|ам|ами|ах|ин|ина|ины|ину|иным?|ины[ехм]?)"
    r"|сучк(?:а|у|ой|е)"  # not «сучки», «сучков»: twigs, in every tree-trimming complaint
    r"|(?:на|за|от|вы|у|про|по)?[её]б(?:у|ут|ешь|ись|итесь|ну|нул\w*|нут\w*|лан\w*|ош\w*)?"
    r"|ху[её](?:в|т|сос)\w*"
    r"|п[иеі]зд\w*|пздц\w*|пзд"
    r")$"
)

# Whole words a row of stars may hide: «х*й», «б**дь», «п***ц».
MASKABLE = (
    *("хуй", "хуя", "хуе", "хуйня", "нахуй", "похуй", "охуели", "охуеть"),
    *(
        "пизда",
        "пиздец",
        "пиздеть",
        "блядь",
        "блять",
        "блядство",
        "бляди",
        "бля",
        "ебать",
        "ебаный",
    ),
    *("ебали", "заебали", "сука", "суки", "мудак", "мудаки"),
)


@dataclass(frozen=True, slots=True)
class Word:
    """A word as written (``start``/``end`` in the text) and its letters with disguises undone."""

    letters: str
    start: int
    end: int


def _letters(token: str) -> str:
    lowered = token.lower()
    if CYRILLIC.search(lowered):
        lowered = lowered.translate(LOOKALIKES)
    # Two or more stars at a word's edge are emphasis («**Доставка**»), not hidden letters.
    return EDGE_STARS.sub("", NOT_LETTER.sub("", lowered))


def words(text: str) -> Iterator[Word]:
    """Yield each word, and each run of three or more single letters joined («х у й»)."""
    run: list[Word] = []
    for match in TOKEN.finditer(text):
        raw = match.group()
        left = len(raw) - len(raw.lstrip(EDGE_PUNCTUATION))
        trimmed = raw.strip(EDGE_PUNCTUATION) or raw
        start = match.start() + left
        word = Word(_letters(trimmed), start, start + len(trimmed))
        if len(word.letters) == 1:
            run.append(word)
            continue
        yield from _joined(run)
        run = []
        if word.letters:
            yield word
    yield from _joined(run)


def _joined(run: list[Word]) -> Iterator[Word]:
    """Join a run of single letters; where the lexicon finds a word in it, only that word.

    «ну и х у й» is a run «и х у й»: the fragment to show is «х у й».
    """
    if len(run) < 3:
        return
    letters = "".join(w.letters for w in run)
    # The bare cores, not the library's «[а-я]*(…)[а-я]*»: on a run of a thousand single
    # letters that took minutes (the groups are the same). A letter held down counts
    # twice at most, as in a word; ``kept`` maps the search back to the run.
    kept = [
        i
        for i in range(len(letters))
        if i < 2 or not letters[i] == letters[i - 1] == letters[i - 2]
    ]
    match = CORES.search("".join(letters[i] for i in kept))
    if match and match.lastindex:
        start, end = match.span(match.lastindex)
        run = run[kept[start] : kept[end - 1] + 1]
    yield Word("".join(w.letters for w in run), run[0].start, run[-1].end)


def _masked_pattern(letters: str) -> re.Pattern[str] | None:
    visible = letters.replace("*", "")
    if "*" not in letters or len(visible) < 2:
        return None
    parts = re.split(r"(\*+)", letters)
    return re.compile("".join("[а-яё]+" if p.startswith("*") else re.escape(p) for p in parts))


@lru_cache(maxsize=1 << 16)
def rule_for(letters: str) -> str | None:
    """Name the rule a word breaks, or None for a clean word."""
    # A letter held down («хуууууй», «х*х*х*…») counts twice at most: the cores take «у+»
    # anyway, and a run of thousands made their search quadratic.
    plain = REPEATS.sub(r"\1\1", letters.replace("*", ""))
    if any(stem in plain for stem in INNOCENT_STEMS):
        return None
    if any(_valid(m, plain) for m in CORES.finditer(plain)) and not conf.good_words_re.match(plain):
        return "obscene.lexicon"
    if EXTRA.match(plain):
        return "obscene.extra"
    # The masked words are short: a long starred run («х*х*х*…») is no one of them, and its
    # pattern would have thousands of groups.
    pattern = _masked_pattern(letters) if len(letters) <= 40 else None
    if pattern and (
        any(pattern.fullmatch(candidate) for candidate in MASKABLE) or _fills_obscene(letters)
    ):
        return "obscene.masked"
    return None


def _valid(match: re.Match[str], word: str) -> bool:
    """Whether a library match stands where the obscene word would, not inside another word.

    The groups are the library's 22 expressions in order (obscene_words_filter.conf).
    """
    pattern = (match.lastindex or 1) - 1
    before = word[: match.start()]
    if pattern in (1, 2, 5, 7, 9, 12):  # х-у-й, о-х-у-е, е-б-а, е-б-л, е-б-ё-т, г-о-в-н
        return before in PREFIXES or before.endswith(("ъ", "ь"))
    if pattern == 11:  # б-л-я: «корабля», «потреблять», «неблагоустроенный»
        return not before or "бляд" in word
    if pattern == 15:  # ч-м-о: «корчма», «кучмы»
        return not before
    if pattern == 19:  # м-а-н-д: «команда», «мандарин», «Нормандия», «саламандра»
        return re.fullmatch(r"манд[аыеуо]й?|мандавошк\w*", word) is not None
    return True


ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _fills_obscene(letters: str) -> bool:
    """Try every letter for one or two hidden ones: «п*дарасы» is «пидарасы»."""
    holes = letters.count("*")
    if holes > 2:
        return False
    candidates = [letters]
    for _ in range(holes):
        candidates = [c.replace("*", letter, 1) for c in candidates for letter in ALPHABET]
    return any(rule_for(candidate) for candidate in candidates)


def find(text: str) -> list[Flag]:
    """Flag each obscene word of ``text`` with the words as written."""
    flags = []
    for word in words(text):
        rule = rule_for(word.letters)
        if rule:
            flags.append(Flag("obscene", text[word.start : word.end], rule, word.start, word.end))
    return flags
