"""Revised Romanization of Korean, syllable by syllable (no sound-change rules).

Good enough to recognise that "Dangjin", "Songak-eup" or "Hapdeok" render words of a Korean source, which is
how the translation checker tells a romanized place name from one the model invented.
"""

from __future__ import annotations

INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
VOWELS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
          "eu", "ui", "i"]
FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
          "ng", "t", "t", "k", "t", "p", "t"]


def romanize(text: str) -> str:
    """'당진시' → 'dangjinsi'; characters other than Hangul syllables are kept (lower-cased)."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 588)
            vowel, final = divmod(rest, 28)
            out.append(INITIALS[initial] + VOWELS[vowel] + FINALS[final])
        else:
            out.append(ch.lower())
    return "".join(out)
