"""Ways of reading one text so that disguised instructions look like plain ones.

The injection detector (:mod:`mokmin.guard.injection`) matches its rules against every *view* of a text:
the text normalised (NFKC, invisible and bidi controls removed, accents and Cyrillic/Greek look-alikes
folded to Latin, case folded), with spaced-out letters joined, with all separators removed, with leetspeak
undone, with loose Hangul jamo composed, reversed, ROT13, and whatever base64, hex, binary, URL, HTML or
``\\u`` escapes in it decode to. Views are for inspection only; nothing is ever rewritten with them.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator

# Cyrillic and Greek letters that look like Latin ones (after case folding), as used to dodge filters.
_LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "г": "r", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ї": "i", "ј": "j", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ı": "i",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "σ": "o",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_LEET_WORD = re.compile(r"[a-z0-9@$!]*[0-9@$!][a-z0-9@$!]*")
_HANGUL_FILLERS = "\u115f\u1160\u3164\uffa0"
_SEPARATORS = r"[\s._\-*·•|/\\~^+,'\"`:;]"
# runs of single characters with separators between them: "i g n o r e", "시.스.템"
_SPACED = re.compile(rf"(?<!\w)\w(?:{_SEPARATORS}+\w(?!\w)){{2,}}")
_ALL_SEPARATORS = re.compile(rf"{_SEPARATORS}+")
_NON_WORD = re.compile(r"[\W_]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX = re.compile(r"(?:(?:\\x|0x)?[0-9a-fA-F]{2}[\s:,]?){8,}")
_BINARY = re.compile(r"(?:[01]{8}\s?){4,}")
_URL = re.compile(r"(?:%[0-9A-Fa-f]{2}){3,}")
_ESCAPES = re.compile(r"(?:(?:\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8})[ ]?){3,}")
_ENTITIES = re.compile(r"(?:&#x?[0-9a-fA-F]+;|&[a-zA-Z]+;){3,}")
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ",
         "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]
_JAMO_RUN = re.compile(r"[ㄱ-ㅣ]{4,}")
MAX_DECODE_DEPTH = 2


def strip_invisible(text: str) -> str:
    """Drop format characters (zero-width, bidi controls, soft hyphen, BOM) and Hangul fillers."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf" and c not in _HANGUL_FILLERS)


def normalise(text: str) -> str:
    """NFKC, invisibles removed, accents dropped, look-alikes folded, case folded, spaces collapsed."""
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    decomposed = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
    text = text.casefold().translate(_LOOKALIKES)
    return re.sub(r"\s+", " ", text).strip()


def compose_jamo(text: str) -> str:
    """Build syllables from loose compatibility jamo: "ㅅㅣㅅㅡㅌㅔㅁ" → "시스템"."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c in _CHO and i + 1 < len(text) and text[i + 1] in _JUNG:
            cho, jung, jong = _CHO.index(c), _JUNG.index(text[i + 1]), 0
            i += 2
            if i < len(text) and text[i] in _JONG[1:] and not (i + 1 < len(text) and text[i + 1] in _JUNG):
                jong = _JONG.index(text[i])
                i += 1
            out.append(chr(0xAC00 + (cho * 21 + jung) * 28 + jong))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _printable(decoded: str) -> bool:
    if len(decoded) < 4:
        return False
    good = sum(1 for c in decoded if c.isprintable() or c in "\n\t")
    return good / len(decoded) >= 0.9 and any(c.isalpha() for c in decoded)


def _utf8(data: bytes) -> str | None:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if _printable(decoded) else None


def decoded_runs(text: str) -> Iterator[tuple[str, str]]:
    """(encoding, decoded text) for every encoded run in ``text`` that decodes to readable text."""
    for m in _BASE64.finditer(text):
        run = m.group(0)
        for decoder in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = _utf8(decoder(run + "=" * (-len(run) % 4)))
            except (binascii.Error, ValueError):
                decoded = None
            if decoded:
                yield "base64", decoded
                break
    for m in _HEX.finditer(text):
        digits = re.sub(r"\\x|0x|[\s:,]", "", m.group(0))
        try:
            decoded = _utf8(bytes.fromhex(digits[: len(digits) // 2 * 2]))
        except ValueError:
            decoded = None
        if decoded:
            yield "hex", decoded
    for m in _BINARY.finditer(text):
        bits = m.group(0).split()
        if len(bits) == 1:
            bits = [bits[0][i : i + 8] for i in range(0, len(bits[0]), 8)]
        decoded = _utf8(bytes(int(b, 2) for b in bits if len(b) == 8))
        if decoded:
            yield "binary", decoded
    if _URL.search(text):
        yield "url", urllib.parse.unquote(text)
    if _ESCAPES.search(text):
        try:
            yield "unicode-escape", _ESCAPES.sub(lambda m: m.group(0).encode("ascii").decode("unicode_escape"), text)
        except UnicodeDecodeError:
            pass
    if _ENTITIES.search(text):
        yield "html-entities", html.unescape(text)


def views(text: str, depth: int = 0) -> list[tuple[str, str]]:
    """(name, text) pairs to match rules against; the first is the plain normalised text."""
    base = normalise(text)
    out = [("plain", base)]
    spaced = _SPACED.sub(lambda m: _ALL_SEPARATORS.sub("", m.group(0)), base)
    if spaced != base:
        out.append(("spaced", spaced))
    out.append(("joined", _NON_WORD.sub("", base)))  # emoji, dots, dashes between letters gone too
    leet = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET) if re.search("[a-z]", m.group(0)) else m.group(0),
                          base)
    if leet != base:
        out.append(("leet", leet))
    if _JAMO_RUN.search(text):
        out.append(("jamo", normalise(compose_jamo(unicodedata.normalize("NFC", strip_invisible(text))))))
    out.append(("reversed", base[::-1]))
    if re.search("[a-z]{4}", base):
        out.append(("rot13", codecs.encode(base, "rot13")))
    if depth < MAX_DECODE_DEPTH:
        for name, decoded in decoded_runs(strip_invisible(unicodedata.normalize("NFKC", text))):
            out.extend((f"{name}:{sub}", view) for sub, view in views(decoded, depth + 1)
                       if sub not in ("reversed", "rot13"))
    return out
