"""Clean stage: normalise block text, drop boilerplate lines and repeated blocks."""

from __future__ import annotations

import re
import unicodedata

from scraper.budget import UNLIMITED, Budget
from scraper.model import Block, Body

# Zero-width and invisible format characters, removed outright.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
# Any run of whitespace (NBSP, thin spaces, tabs, newlines...) within a block.
_SPACE = re.compile(r"\s+")
_SPACE_IN_LINE = re.compile(r"[^\S\n]+")
_SPLIT_MAX = 100_000  # characters: longer texts are folded a chunk at a time

# Short lines that are interface, not prose (compared casefolded, without punctuation).
UI_LINES = frozenset(
    {
        "share", "share this", "share this article", "share on facebook", "share on twitter",
        "share on x", "tweet", "email", "e-mail", "print", "copy link", "link copied",
        "read more", "read more:", "more", "show more", "load more", "see more",
        "continue reading", "advertisement", "advertising", "sponsored", "sponsored content",
        "subscribe", "subscribe now", "sign in", "sign up", "log in", "login", "register",
        "comments", "comment", "leave a comment", "reply", "skip to content",
        "skip to main content", "back to top", "top", "menu", "close", "open", "search",
        "follow us", "related", "related articles", "related stories", "recommended",
        "you may also like", "trending", "newsletter", "cookie settings", "accept",
        "accept all", "anzeige", "werbung", "teilen", "artikel teilen", "drucken",
        "mehr lesen", "weiterlesen", "mehr zum thema", "zum thema", "kommentare",
        "anmelden", "abonnieren", "jetzt abonnieren", "schließen", "publicité", "partager",
        "lire aussi", "lire la suite", "à lire aussi", "s'abonner", "commentaires",
        "pubblicità", "condividi", "leggi anche", "publicidad", "compartir", "leer más",
        "reclame", "advertentie", "delen", "lees ook", "lees meer", "reklama", "udostępnij",
        "czytaj także", "czytaj więcej", "sdílet", "reklame", "del", "dela", "annons",
        "mainos", "jaa", "广告", "分享", "広告", "シェア", "광고", "공유", "реклама",
        "поделиться", "читайте также", "إعلان", "مشاركة",
    }
)  # fmt: skip
_UI_MAX = 40
REPEATABLE = 200  # characters of a paragraph that is kept when it comes again
_PUNCT = re.compile(r"[\W_]+$|^[\W_]+")
# "26 minutes ago", "vor 3 Stunden", "il y a 2 heures"
_RELATIVE_TIME = re.compile(
    r"^(?:updated\s+|aktualisiert\s+)?(?:(?:vor|il y a|hace)\s+)?(?:\d+|an?|one|einer?)\s+"
    r"(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|years?|sekunden|"
    r"minuten|stunden?|tage?n?|wochen?|monate?n?|jahre?n?|secondes?|heures?|jours?|"
    r"semaines?|mois|ans?|segundos?|minutos?|horas?|días?)(?:\s+ago)?\.?$",
    re.IGNORECASE,
)
# "Photo: Jane Doe / AFP", "Foto: dpa", "Bild: Keystone", "(Photo: Reuters)"
_CREDIT = re.compile(
    r"^\(?(?:photo|photos|image|picture|foto|fotos|bild|bilder|quelle|credit|"
    r"crédit photo|illustration|video)\s*:\s*[^.!?]{0,80}\)?$",
    re.IGNORECASE,
)
_CREDIT_MAX = 100
# "Lesen Sie auch: <headline>", "Lea también: ...": a link to another article.
_READ_ALSO = re.compile(
    r"^\W{0,3}(?:read (?:also|more)|see also|related|more on this|lesen sie (?:auch|mehr)|"
    r"lies auch|auch interessant|mehr zum thema|weitere informationen|das könnte sie "
    r"(?:auch )?interessieren|lire (?:aussi|également)|à lire aussi|voir aussi|"
    r"lea (?:también|más)|lee también|vea también|ver también|mira|leggi anche|"
    r"lees ook|czytaj (?:też|także|również)|zobacz też|přečtěte si také|läs också|"
    r"les også|læs også|lue myös)\s*[:>»|]",
    re.IGNORECASE,
)
_READ_ALSO_MAX = 250
# A label over a list of links to other articles, the links gone: "Lesen Sie auch die
# folgenden Beiträge:", "Das Thema könnte dich auch interessieren:", "Veja também:".
_READ_ALSO_LABEL = re.compile(
    r"^\W{0,3}(?:read (?:also|more)|see also|related|more (?:on|from|about)|you (?:may|might) "
    r"also like|lesen sie (?:auch|mehr)|lies auch|mehr (?:zum|von|aus)|weitere (?:artikel|"
    r"beiträge|themen)|(?:das|dieses) (?:thema )?könnte (?:sie|dich|euch) |lire (?:aussi|"
    r"également)|à lire|voir aussi|(?:le|te) puede interesar|vea|leia|veja|"
    r"leggi|potrebbe interessarti|lees|czytaj|zobacz|přečtěte|läs|læs)\b[^.!?]{0,50}:$",
    re.IGNORECASE,
)
_READ_ALSO_LABEL_MAX = 70
# "© 2022 Example Media. All rights reserved."
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\b)", re.IGNORECASE)
_COPYRIGHT_MAX = 300
# "Follow us on Facebook and Instagram", "Síguenos en Telegram": a call to action
# names a platform and asks the reader to do something.
_PLATFORM = re.compile(
    r"\b(?:facebook|twitter|instagram|telegram|whatsapp|youtube|tiktok|linkedin|"
    r"newsletter|podcast|app store|google play|ios|android|rss)\b",
    re.IGNORECASE,
)
_CALL_VERBS = (
    r"\b(?:follow|folg(?:e|en|t)|síguenos|siguenos|suivez|seguici|volg|obserwuj|join|"
    r"únete|abonn\w*|subscri\w*|suscrib\w*|sign up|melde dich|download|descarga|"
    r"herunterladen|like us)\b"
)
# Within the first six words: an imperative, not a report. Possessive: a word is taken
# whole (the verb must start one anyway), so a long run of word characters (Japanese
# text has no spaces) is not split every way before the match gives up.
_CALL = re.compile(r"^(?:\W*+\w++){0,5}?\W*+" + _CALL_VERBS, re.IGNORECASE)
# After the article's last long block (see _is_appeal): a sentence opening with a call
# ("... on Telegram? Join us here", "¡Mira nuestro canal de YouTube!"), or an app or
# channel to get within ten words ("For the latest news download our app").
_LATE_VERBS = r"\b(?:download|descarga|herunterladen|join|únete|sign up|melde dich)\b"
_CALL_LATE = re.compile(
    r"^\W*+(?:\w++\W++){0,9}?"
    + _LATE_VERBS
    + r"|(?:^|[.!?])\s*+[¡¿]?(?:"
    + _CALL_VERBS
    + r"|mira\b)",
    re.IGNORECASE,
)
_CALL_MAX = 250
# Cheap substring prefilter before the regexes (most lines name no platform).
_PLATFORM_HINTS = (
    "facebook", "twitter", "instagram", "telegram", "whatsapp", "youtube", "tiktok",
    "linkedin", "newsletter", "podcast", "app store", "google play", "ios", "android", "rss",
)  # fmt: skip


# Appeals that close an article: subscribe, donate, become a member, the paywall's "read
# the full story" (a news report on donations or subscribers has long paragraphs after it).
_APPEAL = re.compile(
    r"\b(?:subscri(?:be|bed|ber|bers|ption|ptions)\b|abonn\w*|suscr[ií]\w*|subskryp\w*|"
    r"assin(?:e|ar|atura)\b|abbona\w*|spende(?:n\w*)?\b|donat(?:e|ion)s?\b|"
    r"members? only|become a member|hazte miembro|werden sie mitglied|devenez membre|"
    r"support us|unterstützen sie uns|apóyanos|lire la suite|full story|e-?paper)|"
    r"会員|購読|구독|후원|订阅",
    re.IGNORECASE,
)
_APPEAL_MAX = 250  # characters: a longer block is prose, and ends the article's tail
_APPEAL_BOX = 8  # blocks: an appeal this close to the end takes the rest with it


# A dateline above the article ("Stand: 22.04.2024, 06:00 Uhr", "17:41 JST, October 13,
# 2024"): a numeric date, or a time and a year, with at most a few words around it.
_DATE = re.compile(
    r"\d{1,2}\s?[./]\s?\d{1,2}\s?[./]\s?\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"\b\d{1,2}:\d{2}\b.*\b(?:19|20)\d{2}\b|\b(?:19|20)\d{2}\b.*\b\d{1,2}:\d{2}\b"
)
_NOT_WORDS = re.compile(r"[\d\W_]+")
_DATELINE_MAX = 60  # characters
_DATELINE_WORDS = 3  # words besides the date and time
_HEAD_END = 150  # characters of the block that starts the article


def normalize_space(text: str) -> str:
    """Whitespace folded to single spaces, invisible characters removed, ends stripped."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if len(text) > _SPLIT_MAX:
        return _fold_long(text)
    return " ".join(text.split())


def _fold_long(text: str) -> str:
    """normalize_space of a long text, a chunk at a time: one list of every word would
    cost ~60 bytes a word, and a regex substitution a microsecond a run of spaces."""
    chunks: list[str] = []
    start = 0
    while start < len(text):
        space = _SPACE.search(text, start + _SPLIT_MAX)
        end = space.start() if space else len(text)
        chunk = " ".join(text[start:end].split())
        if chunk:
            chunks.append(chunk)
        start = space.end() if space else end
    return " ".join(chunks)


def _normalize_code(text: str) -> str:
    """Code keeps its lines; only invisible characters and trailing blanks go."""
    lines = (_INVISIBLE.sub("", line).replace("\u00a0", " ").rstrip() for line in text.split("\n"))
    return "\n".join(lines).strip("\n")


def is_ui_line(text: str) -> bool:
    """A short line that is interface text ("Share", "Anzeige"), not prose."""
    if len(text) > _UI_MAX:
        return False
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold()).strip() in UI_LINES


def is_noise_line(text: str) -> bool:
    """A line that is not article prose: UI text, a relative timestamp, a photo credit."""
    return (
        is_ui_line(text)
        or _RELATIVE_TIME.match(text) is not None
        or (len(text) <= _CREDIT_MAX and _CREDIT.match(text) is not None)
        or (len(text) <= _READ_ALSO_MAX and _READ_ALSO.match(text) is not None)
        or (len(text) <= _READ_ALSO_LABEL_MAX and _READ_ALSO_LABEL.match(text) is not None)
        or (len(text) <= _COPYRIGHT_MAX and _COPYRIGHT.match(text) is not None)
        or _is_call_to_action(text)
    )


def _is_call_to_action(text: str) -> bool:
    """A short line asking the reader to follow, subscribe or download, naming a platform."""
    if len(text) > _CALL_MAX:
        return False
    folded = text.lower()
    if not any(hint in folded for hint in _PLATFORM_HINTS):
        return False
    return _PLATFORM.search(text) is not None and _CALL.match(text) is not None


def _clean_block(block: Block) -> Block | None:
    if block.kind == "code":
        text = _normalize_code(block.text)
        if not text.strip():
            return None
    else:
        text = normalize_space(block.text)
        if not text or is_noise_line(text):
            return None
    return block if text == block.text else Block(kind=block.kind, text=text, level=block.level)


def _is_long_paragraph(block: Block) -> bool:
    return block.kind == "paragraph" and len(block.text) >= REPEATABLE


def _is_appeal(block: Block) -> bool:
    """A short block asking the reader to subscribe, donate, or follow on a platform."""
    text = block.text
    if len(text) > _APPEAL_MAX:
        return False
    return _APPEAL.search(text) is not None or (
        _PLATFORM.search(text) is not None and _CALL_LATE.search(text) is not None
    )


def _is_dateline(block: Block) -> bool:
    text = block.text
    if len(text) > _DATELINE_MAX or _DATE.search(text) is None:
        return False
    return len(_NOT_WORDS.sub(" ", text).split()) <= _DATELINE_WORDS


def _without_head_datelines(blocks: list[Block]) -> list[Block]:
    """Date lines before the article's first long block (its header: "Stand: ...").
    A page of short lines only (an event notice, a schedule) has no such header."""
    first = next((i for i, b in enumerate(blocks) if len(b.text) >= _HEAD_END), 0)
    head = [block for block in blocks[:first] if not _is_dateline(block)]
    return head + blocks[first:] if len(head) < first else blocks


def _without_tail_appeals(blocks: list[Block]) -> list[Block]:
    """Appeals (subscribe, donate, members only) after the article's last long block;
    a paywall or donation box near the end of the page goes whole."""
    last = max((i for i, block in enumerate(blocks) if len(block.text) > _APPEAL_MAX), default=-1)
    box = next((i for i in range(last + 1, len(blocks)) if _opens_paywall(blocks[i])), None)
    end = box if box is not None and len(blocks) - box <= _APPEAL_BOX else len(blocks)
    tail = [block for block in blocks[last + 1 : end] if not _is_appeal(block)]
    return blocks[: last + 1] + tail if len(tail) < len(blocks) - last - 1 else blocks


def _opens_paywall(block: Block) -> bool:
    """A subscribe, donate or members-only line: what follows it near the end of the
    page is the rest of its box (the offer's perks, "No thanks")."""
    return len(block.text) <= _APPEAL_MAX and _APPEAL.search(block.text) is not None


def clean_body(body: Body, *, budget: Budget = UNLIMITED) -> Body:
    """A cleaned copy of body. Idempotent; raises only PageTooSlowError, when the
    budget's time is up."""
    seen: set[str] = set()
    blocks: list[Block] = []
    repeating = False  # the last long paragraph was a repeat: a run of them is a copy
    for block in body.blocks:
        budget.check()
        cleaned = _clean_block(block)
        if cleaned is None:
            continue
        again = cleaned.text in seen
        said_again = bool(blocks) and blocks[-1].text == cleaned.text
        if again and not (_is_long_paragraph(cleaned) and (said_again or not repeating)):
            continue
        repeating = again if _is_long_paragraph(cleaned) else repeating
        seen.add(cleaned.text)
        blocks.append(cleaned)
    return Body(tuple(_without_tail_appeals(_without_head_datelines(blocks))))
