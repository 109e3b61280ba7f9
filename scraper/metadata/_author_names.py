"""Author-name cleaning: from raw bylines and metadata values to a tuple of person names.

"By Jane Doe and John Roe | Staff Writer" -> ("Jane Doe", "John Roe"). URLs, e-mail addresses,
@handles, dates, job titles and the site's own name are never returned as names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable

_LEAD = (
    r"^(?:(?:written|posted|published|reported|story|words|photos?|interview|eingestellt|beitrag|"
    r"geschrieben|verfasst|veröffentlicht|erstellt|publié|publicado|pubblicato|"
    r"ein\s+(?:beitrag|kommentar|artikel)|écrit|escrito|scritto|post\s+author|"
    # the link of an author box: "Zeige alle Beiträge von", "View all posts by", "Alles von"
    r"(?:zeige\s+|view\s+|voir\s+|ver\s+)?(?:alle|all|tous|todos)\s+(?:les\s+|los\s+)?"
    r"(?:beiträge|artikel|posts|articles|stories|artículos)|alles|artikel|articles?|"
    r"(?:more|mehr|plus)\s+(?:posts|articles|artikel|beiträge|d'articles))\s+)?"
)
# "Interview: Jane Doe", "Text: Jane Doe": a label and a colon before the name.
_LABEL_WORD = (
    r"(?:interview|text|texte|fotos?|photos?|bilder|words|reporting|recherche|redaktion|quelle|"
    r"source|fuente|fonte|illustrations?)"
)
_LABEL = re.compile(
    rf"^{_LABEL_WORD}(?:\s*(?:&|\+|,|/|und|and|et|y)\s*{_LABEL_WORD})*\s*:\s*",
    re.IGNORECASE,
)
# What follows a name in author boxes: "Jane Doe Alle Artikel", "Jane Doe »".
# A pattern that starts with spaces never starts inside a run of them (after a space and
# before one): searched through a long run, it would scan the rest of it at every position.
_LINK_TAIL = re.compile(
    r"(?:(?<!\s)|(?!\s))\s*(?:[\u00bb\u203a\u2192>]+|"
    r"\b(?:alle artikel|all articles|all posts|more from|mehr von|weitere artikel)\b.*)$",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    _LEAD + r"(?:by|from|von|vom|par|por|door|przez|tekst|text|texte|"
    r"auteur|autor[:/*_]in(?:nen)?|autor(?:in)?(?:\s*/\s*autor(?:in)?)?|autorinnen|autore|"
    r"author|authors|autoren|auteurs|autores|reporting\s+by)"
    r"(?:\s*[:\-\u2013\u2014]\s*|\s+|$)",
    re.IGNORECASE,
)
# Particles that are also parts of surnames ("Di Maio", "Da Silva"): only lower-case ones
# ("di Mario Rossi") are taken for the byline preposition.
_LOWER_PREFIX = re.compile(r"^(?:di|de|da|del|dal|av|af|od)\s+(?=\S)")
# "/" is not among them: it separates names only where it does not join two short lower-case
# codes (see _CODE).
_SEPARATORS = re.compile(
    r"(?:(?<!\s)|(?!\s))\s*(?:,|;|\u3001|\||&|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b(?!\s?\.)|\bog\b|\ben\b|\boch\b|\bi\b|"
    r"\bsowie\b|\bmit\b|\bwith\b|\bou\b)\s*",
    re.IGNORECASE,
)
# A hyphen starts a role only with a space beside it: "IN-Redaktion" is one desk's name.
_ROLE_TAIL = re.compile(
    r"(?:(?<!\s)|(?!\s))(?:\s+-\s*|\s*-\s+|\s*[\u2013\u2014|,(]\s*)"
    r"(?:[\w.' ]*\b(?:reporter|correspondent|writer|editor|columnist|"
    r"contributor|journalist|producer|analyst|staff|redakteur(?:in)?|redaktion|"
    r"korrespondent(?:in)?|journaliste|rédact(?:eur|rice)|periodista|redactor(?:a)?|"
    r"giornalista|chef|chief|senior|photographer|fotograf(?:in)?|bureau|desk)\b.*)$",
    re.IGNORECASE,
)
_ROLE_TEXT = (
    "reporter correspondent writer editor columnist contributor journalist producer analyst "
    "staff redakteur redakteurin redaktion journaliste periodista giornalista photographer "
    "fotograf fotografin updated aktualisiert mis à jour actualizado published veröffentlicht "
    "publié publicado posted comments comment share follow twitter facebook email e-mail "
    "admin administrator anonymous unknown none null guest the folgen show kontakt contact more "
    "mehr view no author seguir suivre segui volgen rss mail kommentare kommentar commentaires "
    "comentarios profil profile zu allen artikeln alle autoren über den autorenseite von about "
    "autor author"
)
_ROLE_WORDS = frozenset(_ROLE_TEXT.split())
# A newsroom signing as a whole ("Redaktion" alone in the author slot) is the byline given.
_DESKS = frozenset(("redaktion",))
_MAX_RAW = 2000  # characters of one raw author string; the longest real list is a few hundred
_NOISE = (
    re.compile(r"\S+@\S+\.\w+"),  # e-mail addresses
    re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE),  # URLs
    re.compile(r"(?<!\w)@\w+"),  # @handles
    re.compile(
        r"\b(?:updated|aktualisiert|published|posted|veröffentlicht|publié|mis à jour|"
        r"actualizado|publicado|am|le|on|el)\b\s*[:\-]?\s*(?=\d|\w+\s+\d).*$",
        re.IGNORECASE,
    ),
    # numeric dates, with a weekday or a "Stand"/"as of" label before them, and what follows
    re.compile(
        r"(?:\b(?:mo|di|mi|do|fr|sa|so|mon|tue|wed|thu|fri|sat|sun)\.?,\s*|"
        r"\b(?:stand|as of)\s*:?\s*)?\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b.*$",
        re.IGNORECASE,
    ),
    re.compile(r"\b\d{1,2}:\d{2}\b.*$"),  # times and whatever follows
    re.compile(r"\b\d+\s*min\.?\s*(?:read|lesezeit|lectura|de lecture)\b.*$", re.IGNORECASE),
    re.compile(r"\(\s*\)|\[\s*\]"),
    re.compile(r"\([^()]{1,12}\)"),  # short handles after names: "Elena Muster (emu)"
)
_DATE_WORDS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|january|february|march|april|june|"
    r"july|august|september|october|november|december|januar|februar|märz|mai|juni|juli|"
    r"oktober|dezember)\w*\.?\s+\d{1,2}\b.*$|\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|okt|nov|dec|dez|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|"
    r"février|avril|juin|juillet|août|septembre|octobre|novembre|décembre)\w*.*$",
    re.IGNORECASE,
)
# A label left at the end once its value (a date) is gone: "...; Erstveröffentlichung:".
_BARE_LABEL = re.compile(r"(?:^|[;,|\u3001])\s*[^\W\d_]+(?:\s*\[\w+\])?\s*:\s*$")
_SLASH = re.compile(r"\s*/\s*")
# What is left after a name once a date is gone: a weekday ("Fr,"), a label ("Stand:").
_TRAILING_LABEL = re.compile(
    r"(?:(?<!\s)|(?!\s))\s+(?:(?:mo|di|mi|do|fr|sa|so|mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)"
    r"\.?,|(?:stand|datum|updated|aktualisiert|published|veröffentlicht|publié|publicado)\s*:?)"
    r"[\s,]*$",
    re.IGNORECASE,
)
# An academic degree after a comma: "Jane Doe, PhD" names Jane Doe alone.
_DEGREE = re.compile(r"(?:ph\.?\s?d|m\.?a|m\.?d|mba|m\.?sc|b\.?sc|b\.?a|rd|rn|dr|prof)\.?", re.I)
# "srf/hosb", "dpa/jw": a newsroom's sign-off code (desk or agency, then the writer's
# initials), one credit; capitalised names around a slash ("dpa/AFP", "Jane Doe/John Roe")
# are several.
_CODE = re.compile(r"[a-z]{2,6}/[a-z]{2,6}")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")  # "jane-doe": a URL slug, not a name
_CREDIT = re.compile(r"\b(?:image|images|getty|istock\w*|photo|foto|picture)\b", re.IGNORECASE)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_MAX_WORDS = 6
_MAX_LEN = 80


# A byline in running text: "von Daniela Obers", "By Jane Doe and John Roe", "Autor: X".
_UPPER = "A-Z\u00c0-\u00de\u0100-\u017f"
_NAME_WORD = rf"[{_UPPER}][\w.'\u2019-]+"
_TEXT_BYLINE = re.compile(
    r"(?:^|(?<=[\s|(]))(?:[Vv]on|VON|[Bb]y|BY|[Pp]ar|[Pp]or|[Dd]oor|[Aa]utor(?:in)?:|"
    r"[Aa]uthor:|Text:|Text von)(?:[ \t]+|(?:[ \t]*\n){1,3}[ \t]*)"
    rf"(?P<names>{_NAME_WORD}(?:[ \t]+(?:(?:und|and|et|y|&)[ \t]+)?(?:[a-z]{{1,3}}[ \t]+)?"
    rf"{_NAME_WORD}){{1,5}})"
)


# Capitalised words after a name in a German or English byline that are labels, not names.
_LABELS = frozenset(
    [
        "Datum",
        "Stand",
        "Foto",
        "Fotos",
        "Bild",
        "Bilder",
        "Quelle",
        "Aktualisiert",
        "Veröffentlicht",
        "Updated",
        "Published",
        "Posted",
        "Uhr",
        "Am",
        "Vom",
        "On",
        "Photo",
        "Photos",
        "Image",
        "Read",
        "Lesezeit",
    ]
)


def byline_names(text: str) -> list[str]:
    """The names of the first byline written in running text, raw (clean_authors cleans)."""
    match = _TEXT_BYLINE.search(text)
    if not match:
        return []
    kept: list[str] = []
    for word in match["names"].split():
        if word in _LABELS:
            break
        kept.append(word.rstrip(".") if len(word) > 3 else word)
        if word.endswith(".") and len(word) > 3:  # the end of a sentence, not an initial
            break
    return [" ".join(kept)] if len(kept) >= 2 else []


def clean_authors(values: Iterable[str], *, site_names: Collection[str] = ()) -> tuple[str, ...]:
    """Person names from raw author strings, split, cleaned, de-duplicated in order."""
    unwanted = {_key(name) for name in site_names if name}
    seen: set[str] = set()
    names: list[str] = []
    for value in values:
        for name in split_names(value):
            key = _key(name)
            if key in seen or key in unwanted:
                continue
            seen.add(key)
            names.append(name)
    return tuple(names)


def split_names(value: str) -> list[str]:
    """The names in one raw byline string, cleaned; empty when it holds none (a string
    longer than _MAX_RAW is no byline: a page's text run into an author field)."""
    if len(value) > _MAX_RAW:
        return []
    text = " ".join((html.unescape(value) if "&" in value else value).split())
    if not text or _looks_like_url(text):
        return []
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    text = _BARE_LABEL.sub("", _DATE_WORDS.sub(" ", text))
    text = _TRAILING_LABEL.sub("", text)
    text = _strip_prefix(_LABEL.sub("", text.strip(" :-\u2013\u2014|,·•")))
    text = _ROLE_TAIL.sub("", _LINK_TAIL.sub("", text))
    names: list[str] = []
    for part in _parts(text):
        name = None if _is_bare_label(part) or _DEGREE.fullmatch(part.strip()) else clean_name(part)
        if name:
            names.append(name)
    return names


def _parts(text: str) -> Iterable[str]:
    for part in _SEPARATORS.split(text):
        if _CODE.fullmatch(part.strip()):
            yield part
        else:
            yield from _SLASH.split(part)


def _is_bare_label(part: str) -> bool:
    """A label whose value was a date or is gone ("Erstveröffentlichung:"): not a name."""
    return part.rstrip().endswith(":")


def clean_name(part: str) -> str | None:
    """One candidate name tidied, or None when it is not a plausible name."""
    name = _strip_prefix(part.strip(" :-\u2013\u2014|,·•()[]\"'©")).strip(
        " :-\u2013\u2014|,·•()[]\"'"
    )
    name = _ROLE_TAIL.sub("", name).strip(" ,-\u2013\u2014|")
    if not name or not _HAS_LETTER.search(name) or len(name) > _MAX_LEN:
        return None
    if _SLUG.match(name) or _CREDIT.search(name):
        return None
    words = name.split()
    if len(words) > _MAX_WORDS or name.casefold() in _ROLE_WORDS - _DESKS:
        return None
    if all(word.casefold().strip(".") in _ROLE_WORDS - _DESKS for word in words):
        return None
    return " ".join(words)


def _strip_prefix(text: str) -> str:
    stripped = _PREFIX.sub("", text)
    return _LOWER_PREFIX.sub("", stripped)


def _looks_like_url(text: str) -> bool:
    return text.startswith(("http://", "https://", "//", "www.", "/")) and " " not in text


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


# A byline set apart on its own line of the page, a label then the names: "Von:\nJane Doe",
# "Text: Jane Doe", "Posted by jdoe", "责编" and a colon then names. Labels in the corpus's
# languages; the names must fill the rest of the line (or the next line): running text
# never counts.
_LINE_LABELS = (
    r"von|by|par|por|door|af|av|przez|text(?:\s+von)?|texte|autor(?:in)?(?:\s*/\s*autor(?:in)?)?|"
    r"autoren|autorinnen|authors?|"
    r"auteurs?|autore|autori|autores|redaktion|verfasst\s+von|geschrieben\s+von|"
    r"gespeichert\s+von|erstellt\s+von|eingestellt\s+von|written\s+by|posted\s+by|"
    r"escrito\s+por|publicado\s+por|écrit\s+par|publié\s+par|scritto\s+da|geschreven\s+door"
)
# Each starts with the line break before its line (a literal first character lets the
# regex engine skip to the line starts): search "\n" + text.
_LABELLED_LINE = re.compile(
    rf"\n[-\u2013\u2014|\u2022\u00b7 \t\u00a0]*(?P<label>(?i:{_LINE_LABELS}))\b"
    r"(?P<colon>[ \t]*:)?[ \t]*(?:\n[ \t]*)?(?P<names>[^\n:]{2,80})$",
    re.MULTILINE,
)
_BLANK_LINES = re.compile(r"\n\s+")  # blank lines and indents: one line break
_CJK_LABELS = ("责任编辑", "责编", "编辑", "作者", "記者", "记者", "筆者", "글", "기자")
_CJK_LABELLED = re.compile(
    rf"(?:{'|'.join(_CJK_LABELS)})\s*[:\uff1a]\s*"
    r"(?P<names>[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,6}"
    r"(?:[、,\uff0c\u3000 ]+[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,6}){0,4})"
)
# "25.10.2022 - Jane Doe", "04.02.2022 | 13:10 Uhr | Jane Doe": a date, then the names.
_DATED_LINE = re.compile(
    r"\n\d{1,2}\.\d{1,2}\.\d{2,4}(?:[ \t]*\|?[ \t]*\d{1,2}:\d{2}(?:[ \t]*Uhr)?)?"
    r"[ \t]*[-|\u2013\u2014\u00b7\u2022][ \t]*(?P<names>[^\n:|]{2,80})$",
    re.MULTILINE,
)
_PARENTHESES = re.compile(r"\([^()\n]*\)")
_TRAILING_ON = re.compile(r"(?:(?<!\s)|(?!\s))\s+(?:am|on|le|el|il|um|at|op|den)$")
_LIST_COMMA = re.compile(r"\n[ \t]*([,&/]|und|and|et|y)[ \t]*\n", re.IGNORECASE)
# One word of a name: capitalised ("Jane", "O'Neil", "J.R."), or a particle ("von", "de").
_NAME_TOKEN = re.compile(
    rf"(?:[{_UPPER}][\w.'\u2019-]*|(?:von|van|der|den|de|del|la|le|di|da|du|dos|das|zu|ten|ter)"
    r"|(?:und|and|et|y|&|,|/))$"
)
# Credits and labels that end a byline's names: "Text von Jane Doe Illustration von ...".
_LINE_STOPS = _LABELS | frozenset(("Illustration", "Illustrationen", "Fotografie", "Grafik"))
_USERNAME = re.compile(r"[\w.-]{2,30}")
_MAX_LINE_NAMES = 8


def labelled_names(text: str) -> list[str]:
    """The names of the first byline set on its own line of `text` (lines between text
    nodes), raw (clean_authors cleans); empty when there is none."""
    lines = _LIST_COMMA.sub(r" \1 ", _BLANK_LINES.sub("\n", text))
    for match in _LABELLED_LINE.finditer("\n" + lines):
        label = match[0][
            match.start("label") - match.start() : match.start("names") - match.start()
        ]
        # a strong label: a colon, two words ("Posted by"), or a lower-case one ending its
        # line ("von\nMarianne1"; a menu's "Autoren\nNewsletter" is capitalised)
        strong = (
            bool(match["colon"])
            or len(label.split()) > 1
            or ("\n" in label and label.strip().islower())
        )
        names = _line_names(match["names"], strong=strong)
        if names and split_names(names):
            return [names]
    cjk = _CJK_LABELLED.search(text) if any(label in text for label in _CJK_LABELS) else None
    return [cjk["names"]] if cjk else []


def dated_names(text: str) -> list[str]:
    """The names of the first "<date> - Jane Doe" line of `text`, raw; empty when none."""
    lines = _BLANK_LINES.sub("\n", text)
    dated = (
        _line_names(match["names"], strong=False) for match in _DATED_LINE.finditer("\n" + lines)
    )
    return next(([names] for names in dated if names), [])


def _line_names(line: str, *, strong: bool) -> str | None:
    """The line when it is only names (with separators), or, after a strong label (a colon or
    a line break), a lone user name ("jdoe"); None otherwise."""
    words = _date_free(line).replace(",", " , ").split()
    cut = next((i for i, word in enumerate(words) if word in _LINE_STOPS), len(words))
    words = words[:cut]
    kept = " ".join(words).strip(" ,")
    if not words or len(words) > _MAX_LINE_NAMES or not _HAS_LETTER.search(kept):
        return None
    if all(_NAME_TOKEN.match(word) for word in words) and words[0][0].isupper():
        return kept if len(words) >= 2 or strong else None
    if strong and len(words) == 1 and (_USERNAME.fullmatch(words[0]) or _CODE.fullmatch(words[0])):
        return kept
    return None


def is_full_name(name: str) -> bool:
    """Two to five words, each capitalised or a particle ("Jane van Doe"): a full name."""
    words = name.split()
    return (
        2 <= len(words) <= 5
        and words[0][0].isupper()
        and all(_NAME_TOKEN.match(word) for word in words)
    )


def _date_free(line: str) -> str:
    """The line without a trailing date, time or "am/on <date>" part, or parentheses."""
    line = _PARENTHESES.sub(" ", line)
    for pattern in _NOISE[3:6]:
        line = pattern.sub(" ", line)
    line = _DATE_WORDS.sub(" ", line).strip(" \t,|·•-\u2013\u2014")
    return _TRAILING_ON.sub("", line)
