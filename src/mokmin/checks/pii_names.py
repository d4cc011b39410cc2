"""People's names: kiwi nouns judged by what surrounds them.

Cues that mark a person, strongest first:
- a label before the name (성명:, 이름:, 민원인, 신청인, 담당자 …), an honorific after it (씨, 님, 여사 …) or an
  age in brackets ("김철수(45)") — the name may be any 2–4 syllables kiwi does not read as a common word (담당,
  고객) or a verb form (정해진, 가신);
- a rank or title after it (주무관, 과장, 정책기획과장, 대표, 기자 …) or before it (주무관 홍길동, 가수 김태진) —
  the name must also start with a common surname, and a known place does not count before a title
  ("서산시 시장", "한국 대표"; ranks such as 과장 are held by people only);
- no cue: a three-syllable proper noun (kiwi NNP) starting with a common surname, not ending like a place
  (…시, …동, …궁) and without loanword syllables (이라크, 모로코), at a lower confidence.
Anonymised forms (김모 씨, 홍○○) are not names. Known misses: names that are also common words (강도, 송아지).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

from mokmin.checks.pii_types import Candidate
from mokmin.text.korean import kiwi

# common Korean surnames, roughly by frequency; _RARE: rare ones that often start ordinary words (부, 가, 사)
SURNAMES = frozenset(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 "
    "우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 라 왕 금 옥 육 "
    "인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 가 복 태 목 형 피 두 감 음 빈 동 온 호 범 좌 팽 승 간 상 시 갈 "
    "단 견 당 화 창 옹 순 빙".split()
)
COMPOUND_SURNAMES = frozenset("남궁 황보 제갈 사공 선우 서문 독고 동방".split())
_RARE = frozenset("온 호 범 좌 팽 승 간 상 시 갈 단 견 당 화 창 옹 순 빙 동 두 감 음 빈 부 가 사 모 어 예 인".split())

_LABELS = (
    r"성명|이름|성함|민원인|신청인|신고인|작성자|담당자|대표자|보호자|수령인|수취인|예금주|피해자|가해자|고객명?"
    r"|환자명?|세대주|소유자|임차인|임대인|대리인|청구인|응시자|참석자|발신인|수신인|보고자|제보자|진정인|고소인|피고소인"
)
_STRONG_AFTER = r"씨|님|여사|선생님|선생|어르신|할머니|할아버지|옹"
_TITLES = (
    r"주무관|주사보|주사|서기보|서기관|서기|사무관|이사관|팀장|과장|계장|국장|실장|소장|부장|차장|부시장|시장|부군수|군수"
    r"|부구청장|구청장|도지사|지사|부의장|의장|의원|읍장|면장|동장|이장|통장|반장|청장|원장|관장|센터장|담당관|위원장"
    r"|위원|장관|차관|총리|대통령|비서관|보좌관|대표|회장|사장|이사장|이사|전무|상무|대리|교수|박사|교사|교장|기자"
    r"|변호사|검사|판사|감독|선수|코치|작가|목사|신부|스님|경위|경사|순경|경감|경정|간호사|의사|후보|후보자"
    r"|당선인|대변인|연구원|소방관|총장|학장|단장|본부장|조합장|조합원"
)
# a title made longer by its unit: 정책기획과장, 선전부장, 기획팀장 (only "…장", "…관", "…원")
_UNIT_TITLE = r"[가-힣]{1,5}(?:과장|팀장|부장|실장|국장|담당관|조합원|연구원|위원)"
# ranks held only by people: "서울 시장" and "한국 대표" may be places, "김훈 과장" is a person
_RANKS = frozenset("주무관 주사보 주사 서기보 서기관 서기 사무관 이사관 팀장 과장 계장 국장 실장 차장 부장 대리 전무 상무 주임".split())
_TITLES_BEFORE = _TITLES + r"|가수|배우|리포터|개그맨|방송인|아나운서|모델|시인|소설가|화가|평론가|씨름선수"
_AFTER_PARTICLE = r"(?=[^가-힣]|$|[은는이가을를의과와도께에만로님들]|에게|께서|이다|입니다|였|이었)"
_AFTER_CUE = re.compile(
    rf"(?<![가-힣0-9])(?P<name>[가-힣]{{2,4}}?)"
    rf"(?:[ \t]?(?P<cue>{_STRONG_AFTER}|{_TITLES})|[ \t](?P<unit>{_UNIT_TITLE}))"
    + _AFTER_PARTICLE
)
_NAME_END = r"(?=[^가-힣]|$|씨|님|[은는이가을를의과와께에도만]|" + _TITLES + ")"
_NAME = (
    rf"(?P<name>[가-힣](?:[ \t][가-힣]){{1,3}}(?![가-힣])"
    rf"|(?:{'|'.join(sorted(COMPOUND_SURNAMES))})[가-힣]{{2}}{_NAME_END}"
    rf"|[가-힣]{{3}}{_NAME_END}|[가-힣]{{2}}{_NAME_END}|[가-힣]{{4}}{_NAME_END})"
)
# a label, then the name: three syllables first (most Korean names), spaced out ("홍 길 동"), two or four
_LABEL_BEFORE = re.compile(rf"(?:{_LABELS})(?:[ \t]*[:：][ \t]*|[ \t]+)" + _NAME)  # not 이름임을, 피해자인마냥
_TITLE_BEFORE = re.compile(rf"(?<![가-힣])(?:{_TITLES_BEFORE})[ \t]+" + _NAME)
_AGE_CUE = re.compile(
    r"(?<![가-힣])(?P<name>[가-힣]{2,4})(?=[ \t]?\((?:[남여]\s?[,/]\s?)?\d{1,3}(?:세)?(?:\s?[,/]\s?[남여])?\))"
)
# last syllables of places, buildings and organisations, checked when only a weak cue marks a person
_PLACE_ENDINGS = frozenset(
    "시 군 구 동 리 읍 면 도 로 길 역 청 처 국 과 당 회 단 관 소 점 항 포 섬 사 부 교 산 강 천 대 궁 함 고 탑 빵 씬 차".split()
)
# syllables found in loanwords (이라크, 모로코, 유튜브) but hardly ever in Korean given names
_LOANWORD_SYLLABLES = frozenset(
    "트 크 드 브 프 스 즈 츠 르 므 쿠 키 카 케 코 캐 큐 티 타 테 토 투 튜 피 파 포 푸 퍼 페 쥬 츄 쟈 챠 죠 쵸 뉴 듀 퓨 "
    "디 쉬 셔 쇼 슈 롱 렌 레 릭 딘 톤 턴 펜 켓 캣 텔 펙 멘 넷 웨 워 위 웰 얀 엘 엑".split()
)
_COMMON_TAGS = frozenset({"NNG", "NNB", "NP", "NR", "VV", "VA", "VX", "MAG", "MAJ", "MM", "XR", "IC"})
_HANGUL = re.compile(r"[가-힣]")
_TRIM_PARTICLES = frozenset("의 를 을 와 과 에 가 는".split())  # not 은, 이, 도: names end in them (하은)
_OOV_MAX_ID = 64  # kiwi gives a word it does not know the id of its tag (NNG → 2, NNP → 3)
NO_CUE_CONFIDENCE = 0.55
_ANONYMISED = re.compile(r"^[가-힣](?:모|씨|가)$|[○◯●◦oOxX*]")


def surname_ok(name: str) -> bool:
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return True
    return name[0] in SURNAMES and len(name) <= 3


def _known(token) -> bool:
    return token.id >= _OOV_MAX_ID


def _reading(tokens, start: int, end: int) -> str:
    """How kiwi reads text[start:end]:
    "common": inside a dictionary common word (담당, 고객, 신체검사, 마음씨);
    "function": a verb form — ends in an adnominal or final ending, or starts with the copula (정해진, 가신);
    "proper": exactly one dictionary proper noun (김철수, 서울); "unknown": exactly one noun kiwi does not
    know (most rare names); "straddles": ends inside a longer word (공영주|차장 of 공영주차장);
    "split": anything else (김 + 태 + 진)."""
    inside = tokens.overlapping(start, end)
    for t in inside:
        t_end = t.start + t.len
        if t.tag in _COMMON_TAGS and _known(t) and t.start <= start and t_end >= end:
            return "common"
        if t.tag in _COMMON_TAGS and _known(t) and t.start == start and t.len >= 2 and t_end > end:
            return "common"
    if inside and inside[-1].start + inside[-1].len > end and _known(inside[-1]):
        return "straddles"  # 공영주|차장: the candidate ends inside a word (공영 + 주차장)
    if inside and (inside[-1].tag in ("ETM", "EF", "EP") or inside[0].tag == "VCP"):
        return "function"  # 정해진 (대표), 가신 (할머니), 임을: a verb form, not a name
    if len(inside) == 1 and inside[0].start == start and inside[0].start + inside[0].len == end:
        token = inside[0]
        if token.tag in ("NNG", "NNP") and not _known(token):
            return "unknown"
        if token.tag == "NNP":
            return "proper"
    return "split"


# suffixes that make nouns of nouns (분실+물, 판매+점) — checked only when no cue marks a person
_NOUN_SUFFIXES = frozenset("비 부 장 실 처 소 물 품 료 금 권 증 액 량 률 율 법 점 층 판 망".split())  # not 지/원: 이민지


@lru_cache(maxsize=4096)
def _is_common_word(word: str) -> bool:
    tokens = kiwi().tokenize(word)
    return len(tokens) == 1 and tokens[0].tag == "NNG" and _known(tokens[0])


class _Tokens(list):
    """kiwi tokens in text order, with a fast look-up of those overlapping a span."""

    def __init__(self, tokens):
        super().__init__(tokens)
        self.starts = [t.start for t in self]

    def overlapping(self, start: int, end: int) -> list:
        i = bisect_left(self.starts, start - 24)  # a (long) token starting earlier may reach in
        out = []
        while i < len(self) and self[i].start < end:
            if self[i].start + self[i].len > start:
                out.append(self[i])
            i += 1
        return out


def find_names(text: str, tokens=None) -> Iterator[Candidate]:
    """Person-name candidates in ``text`` (``tokens``: kiwi tokens of ``text``, computed when omitted)."""
    if not _HANGUL.search(text):
        return
    tokens = _Tokens(kiwi().tokenize(text) if tokens is None else tokens)
    cues: dict[tuple[int, int], str] = {}
    particles = {t.start for t in tokens if t.tag.startswith("J") and t.form in _TRIM_PARTICLES}
    for m in _LABEL_BEFORE.finditer(text):
        start, end = m.span("name")
        if end - start == 3 and end - 1 in particles:  # 신청인 김훈의 → 김훈
            end -= 1
        cues[(start, end)] = "label"
    for m in _AGE_CUE.finditer(text):
        cues.setdefault(m.span("name"), "strong")
    for m in _AFTER_CUE.finditer(text):
        word = m.group("cue") or ""
        if re.fullmatch(_STRONG_AFTER, word):
            kind = "strong"
        else:
            kind = "rank" if word in _RANKS or m.group("unit") else "title"
        cues.setdefault(m.span("name"), kind)
    for m in _TITLE_BEFORE.finditer(text):
        cues.setdefault(m.span("name"), "title")
    for t in tokens:
        if t.tag == "NNP" and t.len in (2, 3, 4):
            cues.setdefault((t.start, t.start + t.len), "")
    for (start, end), cue in cues.items():
        confidence = _confidence(text, tokens, start, end, cue)
        if confidence:
            yield Candidate("name", start, end, confidence, notes={"cue": cue or None})


def _confidence(text: str, tokens, start: int, end: int, cue: str) -> float:
    name = re.sub(r"[ \t]", "", text[start:end])
    if not re.fullmatch(r"[가-힣]{2,4}", name) or _ANONYMISED.search(name):
        return 0.0
    reading = _reading(tokens, start, end)
    if reading in ("common", "function") or (reading == "straddles" and cue not in ("label", "strong")):
        return 0.0
    has_surname = surname_ok(name)
    noun = reading in ("proper", "unknown")
    if cue in ("label", "strong"):
        return 0.6 + 0.2 * has_surname + 0.15 * noun if (has_surname or noun) else 0.0
    full_name = len(name) == 3 or (len(name) == 4 and name[:2] in COMPOUND_SURNAMES)
    if len(name) == 2 and (cue == "rank" or (cue == "title" and reading != "proper")):
        full_name = True  # 김훈 과장, 양용 대표 — but not 서울 시장, 한국 대표
    if not (has_surname and full_name) or (name[0] in _RARE and reading != "unknown"):
        return 0.0
    if reading == "proper" and name[-1] in _PLACE_ENDINGS and cue != "rank":
        return 0.0  # 서산시 시장: a place, not a person (places hold no rank: 김석동 과장 is a person)
    if cue in ("title", "rank"):
        return 0.9 if noun else 0.7
    foreign = any(syllable in _LOANWORD_SYLLABLES for syllable in name[1:])
    if name[-1] in _NOUN_SUFFIXES and _is_common_word(name[:2]):
        return 0.0  # 분실물, 판매점: a common noun plus a suffix
    if noun and name[-1] not in _PLACE_ENDINGS and not foreign:  # (cue "" comes from NNP tokens only)
        return NO_CUE_CONFIDENCE
    return 0.0
