"""Law and regulation names belong in 홑낫표: 「개인정보 보호법」 — found only where the name is unmistakable."""

from __future__ import annotations

import re

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.official_common import Mode, make

# "…에 관한 법률/규정/조례/규칙": nearly always the end of a name
GWANHAN = re.compile(
    r"(?P<head>[가-힣·]+에) 관한 (?P<kind>법률|특별법|법|조례|규칙|규정)(?P<sub> 시행령| 시행규칙)?(?=[^가-힣]|[을를이은에의과와로으상]|$)"
)
# one word ending in 법, named as a law by what follows it
LAW_WORD = re.compile(
    r"(?<![가-힣「『'‘\"“])(?P<word>[가-힣]{2,}법)(?P<sub> 시행령| 시행규칙)?"
    r"(?=(?P<strong> 제\d+조| 시행령| 시행규칙)|(?P<weak>(?:에|에서) (?:따라|따른|의해|의한|근거)|상[ ,]"
    r"| 개정| 제정| 공포| 위반| 일부개정))"
)
# 당진시 주민자치회 설치 및 운영 조례: a local ordinance begins with the name of its government
ORDINANCE = re.compile(
    r"(?<![가-힣])(?P<region>[가-힣]{2,5}(?:특별시|광역시|특별자치시|특별자치도)|[가-힣]{1,3}(?:도|시|군|구)) "
    r"(?P<body>(?:[가-힣·]+ ){2,8}?)(?P<kind>조례|규칙)(?P<sub> 시행규칙)?"
    r"(?=[ ,.)」]|을|를|이|은|에|의|과|와|로|으로|$)"
)
NOT_REGIONS = {
    "도시", "제도", "연구", "요구", "지구", "기구", "정도", "태도", "수도", "용도", "한도", "속도", "각도", "시도",
    "즉시", "당시", "수시", "임시", "상시", "실시", "개시", "고시", "공시", "게시", "표시", "지시", "제시", "명시",
    "감시", "동시", "일시", "혹시", "역시", "다시", "전시", "평시", "시군구", "구시", "의도", "시구", "추구", "탐구",
}
GENERIC = {
    "관계법", "관련법", "특별법", "개별법", "해당법", "현행법", "개정법", "모법", "실정법", "국제법", "자연법",
    "성문법", "관습법", "판례법", "절차법", "실체법", "신법", "구법", "동법", "본법",
}
METHOD_SUFFIXES = (
    "방법", "기법", "화법", "어법", "문법", "용법", "요법", "수법", "비법", "해법", "공법", "작법", "불법", "위법",
    "적법", "합법", "편법", "표기법", "맞춤법", "측정법", "분석법", "계산법", "산정법", "사용법", "활용법", "작성법",
    "조리법", "치료법", "학습법", "교수법", "접근법", "해결법", "평가법", "시공법", "재배법", "제조법", "변증법",
)
STOP_WORDS = {
    "이번", "이", "그", "본", "해당", "관련", "현행", "기존", "새", "동", "같은", "위", "상기", "개정", "개정된",
    "관계", "각", "모든", "및", "등", "또는", "또한", "특히", "따라서", "그리고", "최근", "올해", "지난해", "오는",
    "지난", "위한", "따른", "대한", "의한", "관한", "현재", "이미", "다시", "개별", "일부", "전부", "신설",
    "위해", "위해서", "위하여", "통해", "통해서", "통하여", "대해", "인해", "따라", "의해", "하여", "해서", "있는",
    "없는", "새로운", "같이", "함께", "이를", "이에", "이와", "또", "즉", "당시", "향후", "중국", "미국",
    "일본", "외국", "각국",
}
PARTICLE_END = re.compile(r"(은|는|을|를|에서|으로|에게|께서|부터|까지|다|하고|되고|있고|이고|하며|되며|이며|하면|되면"
                          r"|된|할|던|하는|되는|한|하여|되어|해서|하게|하지|하기|되기|에는|에도|에만"
                          r"|혀|워|쳐|져|려|겨|켜|했|됐|였|었|았|였고|했고)$")
STRICT_END = re.compile(r"(와|과|이|가|의|에)$")  # inside a one-word 법 name's neighbours these end the name
KEEP_HAN = {"제한", "권한", "기한", "무한", "유한"}
BRACKETS = re.compile(r"「[^」\n]*」|『[^』\n]*』|‘[^’\n]*’|“[^”\n]*”|\"[^\"\n]*\"|'[^'\n]*'")


def check_law_names(text: str, mode: Mode) -> list[Finding]:
    quoted = [(m.start(), m.end()) for m in BRACKETS.finditer(text)]
    severity = Severity.INFO if mode == "press" else Severity.WARNING
    found: list[tuple[int, int]] = []
    for m in GWANHAN.finditer(text):
        start = _walk_back(text, m.start("head"), max_words=8, allow_of=True)
        if m.group("kind") != "법률" and len(text[start : m.end("head")].split()) < 3:
            continue  # "안전에 관한 규정" is any rule about safety, not a name
        found.append((start, m.end()))
    for m in LAW_WORD.finditer(text):
        word = m.group("word")
        if word in GENERIC or word.endswith(METHOD_SUFFIXES):
            continue
        if m.group("weak") and len(word) < 4 and not _has_name_before(text, m.start()):
            continue
        # a short word may be the end of a spaced name (개인정보 보호법); a long one is a whole name (국가보안법)
        start = _walk_back(text, m.start(), max_words=1, allow_of=False) if len(word) <= 5 else m.start()
        found.append((start, m.end("sub") if m.group("sub") else m.end("word")))
    for m in ORDINANCE.finditer(text):
        words = m.group("body").split()
        if m.group("region") in NOT_REGIONS or any(_stops(w) and w not in ("및", "등") for w in words):
            continue
        found.append((m.start(), m.end()))
    out: list[Finding] = []
    for start, end in _merge(found):
        if any(s <= start < e or s < end <= e for s, e in quoted) or text[start - 1 : start] in "「『":
            continue
        name = text[start:end]
        out.append(make("law-name", severity, start, end, text,
                        "법령·자치법규 이름은 홑낫표(「」) 안에 씁니다.", "law", f"「{name}」"))
    return out


def _walk_back(text: str, start: int, *, max_words: int, allow_of: bool) -> int:
    """Extend a name to the left over words that can belong to it (nouns, 및, 등, ·, and 의 if allowed)."""
    pos = start
    for _ in range(max_words):
        if pos < 2 or text[pos - 1] != " ":
            break
        m = re.search(r"[가-힣·]+$", text[max(0, pos - 30) : pos - 1])
        if not m:
            break
        word = m.group(0)
        word_start = pos - 1 - len(word)
        if word not in ("및", "등") and _stops(word):
            break
        if not allow_of and (STRICT_END.search(word) or len(word) < 3 and _ends_in_n_or_l(word)):
            break  # 밝힌 국가보안법: a short word ending in ㄴ/ㄹ is more likely a verb form than part of a name
        if word_start > 0 and not (text[word_start - 1].isspace() or text[word_start - 1] in "(,·"):
            break
        pos = word_start
    while True:  # a name does not begin with 및/등
        m = re.match(r"(및|등) ", text[pos:])
        if not m:
            break
        pos += m.end()
    return pos


def _ends_in_n_or_l(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 in (4, 8)


def _stops(word: str) -> bool:
    return word in STOP_WORDS or bool(PARTICLE_END.search(word)) and word not in KEEP_HAN


def _has_name_before(text: str, start: int) -> bool:
    """'개인정보 보호법': a short 법 word counts as a law when a noun word precedes it."""
    return _walk_back(text, start, max_words=1, allow_of=False) < start


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
