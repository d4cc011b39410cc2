"""공문서 dates (2023. 3. 27.(월)), times (15:20) and ranges (∼) — pure regex and calendar arithmetic."""

from __future__ import annotations

import datetime as dt
import re

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.official_common import Mode, make
from mokmin.text.dates import weekday_of

_WD = (
    r"(?P<wsp>[ \u3000]*)(?:\((?P<wd>[월화수목금토일])(?P<wdlong>요일)?\)"
    r"|(?<=[ \u3000.])(?P<wdbare>[월화수목금토일])요일)"
)
DOTTED = re.compile(
    r"(?<![\w.'’‘/-])(?P<y>['’‘]\d{2}|\d{4})(?P<s1> *)\.(?P<s2>[ \u3000]*)(?P<m>\d{1,2})(?P<s3> *)\."
    r"(?P<s4>[ \u3000]*)(?P<d>\d{1,2})(?![\d,])(?P<il>일(?![간째]))?(?P<p>(?: *\.)?)(?:" + _WD + ")?"
)
ISO = re.compile(
    r"(?<![\w./-])(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\w/-]|\.\d)"
    r"(?:" + _WD + ")?"
)
HANGUL = re.compile(
    r"(?<!\d)(?P<y>\d{4}) ?년 ?(?P<m>\d{1,2}) ?월 ?(?P<d>\d{1,2}) ?일(?![간째])(?:" + _WD + ")?"
)
# the second half of a range: ∼4. 14.(금) or ∼28.(화); the year comes from the first date
RANGE_TAIL = re.compile(
    r"[ \u3000]*[∼~][ \u3000]*(?:(?P<m>\d{1,2})(?P<s3> *)\.(?P<s4>[ \u3000]*))?(?P<d>\d{1,2})(?![\d:,])"
    r"(?P<p>(?: *\.)?)(?:" + _WD + ")?"
)

SPACED_COLON = re.compile(
    r"(?<![\d:.,])(?P<l>\d+(?:[,.]\d+)*)(?P<a> *):(?P<b> *)(?P<r>\d+(?:[,.]\d+)*)(?![\d:])"
)
AMPM = re.compile(
    r"(?P<ap>오전|오후) ?(?P<h>\d{1,2}) ?시(?: ?(?P<mi>\d{1,2}) ?분| ?(?P<half>반))?(?![간대])"
)
ENGLISH_TIME = re.compile(r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2}) ?(?P<ap>[AaPp])\.? ?[Mm]\.?(?![A-Za-z])")
BARE_HOUR = re.compile(
    r"(?<![\d.:])(?P<h>\d{1,2}) ?시(?:(?: ?(?P<mi>\d{1,2}) ?분)|(?= ?(?:부터|까지|에[ ,.]|경|쯤|[∼~,)])))"
)
TIME_CONTEXT_BEFORE = re.compile(r"(일시|시간|시각|기한|마감|오전|오후|\d\.(?:\([월화수목금토일]\))?|[∼~])\s*\S{0,3}\s*$")
TIME_CONTEXT_AFTER = re.compile(r"^\s*(부터|까지|에[ ,.]|경|쯤|[∼~])")

RANGE_SPACE = re.compile(r"(?P<l>\d[^\s∼~]{0,12}?)(?P<a>[ \u3000]*)(?P<t>[∼~])(?P<b>[ \u3000]*)(?=\d)")
RANGE_KKAJI = re.compile(
    r"(?P<t>[∼~]) *(?P<r>(?:\d{4}\. ?)?(?:\d{1,2}\. ?)?\d{1,2}\.(?:\([월화수목금토일]\))?|\d{1,2}:\d{2}"
    r"|\d[\d,.]* ?[가-힣]{0,3}?)(?P<k>까지)"
)


def check_dates(text: str, mode: Mode) -> list[Finding]:
    out: list[Finding] = []
    for m in DOTTED.finditer(text):
        if _looks_like_version(text, m):
            continue
        raw_year = m.group("y")
        year = _full_year(raw_year)
        out += _judge(text, m, year, mode, kind="dotted", short_year=len(raw_year) == 3)
        tail = RANGE_TAIL.match(text, m.end())
        if tail and (tail.group("p").strip() or tail.group("wd") or tail.group("m")) and year:
            month = int(tail.group("m")) if tail.group("m") else int(m.group("m"))
            tail_year = year + 1 if month < int(m.group("m")) else year
            out += _judge(text, tail, tail_year, mode, kind="tail", default_month=month)
    for m in ISO.finditer(text):
        out += _judge(text, m, _full_year(m.group("y")), mode, kind="iso")
    for m in HANGUL.finditer(text):
        out += _judge(text, m, int(m.group("y")), mode, kind="hangul")
    return out


def _looks_like_version(text: str, m: re.Match) -> bool:
    """2023.3.27.1 or 2023.3.27.hwp: a version number or a file name, not a date."""
    rest = text[m.end() : m.end() + 2]
    if m.group("p") and not m.group("wd") and not m.group("wdbare"):
        return bool(rest[:1].isascii() and (rest[:1].isalnum() or rest[:1] == "_"))
    return rest[:1] == "." and rest[1:2].isdigit()


def _full_year(raw: str) -> int | None:
    if len(raw) == 4:
        year = int(raw)
        return year if 1900 <= year <= 2100 else None
    yy = int(raw[1:])
    return 2000 + yy if yy <= dt.date.today().year % 100 + 10 else 1900 + yy


def _judge(
    text: str, m: re.Match, year: int | None, mode: Mode, *, kind: str, short_year: bool = False,
    default_month: int | None = None,
) -> list[Finding]:
    if year is None:
        return []
    g = m.groupdict()
    month = int(g["m"]) if g.get("m") else default_month
    day = int(g["d"])
    if month is None or not 1 <= month <= 12 or not 1 <= day <= 31:
        return []
    start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip(" \u3000∼~")) if kind == "tail" else 0)
    end = m.end()
    wd = g.get("wd") or g.get("wdbare")
    issues: list[tuple[str, str, bool]] = []  # (rule, message, safe)
    if short_year:
        issues.append(("date-year", "연도는 네 자리로 씁니다", False))
    if kind == "iso":
        issues.append(("date-format", "날짜는 '2023. 3. 27.'처럼 연·월·일 자리에 온점을 찍어 씁니다", True))
    elif kind == "hangul":
        if mode == "gongmun":
            issues.append(("date-format", "공문서의 날짜는 '연·월·일' 글자 대신 온점으로 씁니다", False))
    else:
        seps = [g.get("s3"), g.get("s4")] if kind == "tail" else [g["s1"], g["s2"], g["s3"], g["s4"]]
        expected = ["", " "] if kind == "tail" else ["", " ", "", " "]
        if g.get("m") and seps != expected or g["p"].strip() and g["p"] != "." or g.get("il"):
            issues.append(("date-format", "날짜의 온점 뒤는 한 칸 띄우고 앞은 붙여 씁니다", True))
        if not g["p"].strip() and not g.get("il") and text[end : end + 1] != "일":
            issues.append(("date-period", "날짜의 '일' 자리에도 온점을 찍습니다", True))
    if kind != "hangul" and ((g.get("m") or "").startswith("0") or g["d"].startswith("0")):
        issues.append(("date-zero-padding", "월·일 앞에 0을 붙이지 않습니다", True))
    if wd and (g.get("wsp") or g.get("wdlong") or g.get("wdbare")) and kind != "hangul":
        issues.append(("date-weekday-format", "요일은 날짜 끝 온점 바로 뒤에 '(월)'처럼 붙여 씁니다", True))
    out: list[Finding] = []
    if issues:
        fixed = _official(year, month, day, wd, partial=kind == "tail", with_month=bool(g.get("m")))
        rule = issues[0][0] if len(issues) == 1 else "date-format"
        message = "; ".join(msg for _, msg, _ in issues) + "."
        severity = Severity.WARNING
        out.append(make(rule, severity, start, end, text, message, "date", fixed,
                        safe=all(safe for _, _, safe in issues), issues=[r for r, _, _ in issues]))
    try:
        real = dt.date(year, month, day)
    except ValueError:
        return out + [make("date-invalid", Severity.ERROR, start, end, text,
                           f"달력에 없는 날짜입니다({year}년 {month}월 {day}일).", "date", None)]
    if wd and weekday_of(year, month, day) != wd:
        right = weekday_of(year, month, day)
        fixed = _official(year, month, day, right, partial=kind == "tail", with_month=bool(g.get("m")))
        message = (f"{real.year}. {real.month}. {real.day}.은 {right}요일입니다. "
                   "날짜나 요일 중 하나가 틀렸습니다.")
        out.append(make("date-weekday", Severity.ERROR, start, end, text, message, "date", fixed,
                        weekday=right))
    return out


def _official(year: int, month: int, day: int, wd: str | None, *, partial: bool, with_month: bool) -> str:
    if partial:
        core = f"{month}. {day}." if with_month else f"{day}."
    else:
        core = f"{year}. {month}. {day}."
    return core + (f"({wd})" if wd else "")


def check_times(text: str, mode: Mode) -> list[Finding]:
    out: list[Finding] = []
    for m in SPACED_COLON.finditer(text):
        if not (m.group("a") or m.group("b")):
            continue
        left, right = m.group("l"), m.group("r")
        fixed = f"{left}:{right}"
        if _is_time(left, right) and _time_context(text, m.start(), m.end()):
            out.append(make("time-format", Severity.WARNING, m.start(), m.end(), text,
                            "시각의 쌍점 앞뒤는 붙여 씁니다.", "time", fixed, safe=True))
        else:
            out.append(make("colon-spacing", Severity.WARNING, m.start(), m.end(), text,
                            "수의 비율·대비를 나타내는 쌍점은 앞뒤를 붙여 씁니다.", "colon", fixed, safe=True))
    lenient = mode != "gongmun"
    for m in AMPM.finditer(text):
        hour, minute = int(m.group("h")), _minute(m)
        if not 1 <= hour <= 12 or minute > 59:
            continue
        h24 = hour % 12 + (12 if m.group("ap") == "오후" else 0)
        fixed = f"{h24:02d}:{minute:02d}"
        note = " 보도자료 본문(기사체)에서는 '오후 3시'도 흔히 쓰므로 참고로만 알립니다." if mode == "press" else ""
        out.append(make("time-24h", Severity.INFO if lenient else Severity.WARNING, m.start(), m.end(), text,
                        f"시각은 24시각제로 시·분 글자 없이 '{fixed}'처럼 씁니다.{note}", "time", fixed,
                        safe=not lenient and hour != 12))
    for m in ENGLISH_TIME.finditer(text):
        hour, minute = int(m.group("h")), int(m.group("mi"))
        if not 1 <= hour <= 12 or minute > 59:
            continue
        h24 = hour % 12 + (12 if m.group("ap").lower() == "p" else 0)
        fixed = f"{h24:02d}:{minute:02d}"
        out.append(make("time-24h", Severity.WARNING, m.start(), m.end(), text,
                        f"시각은 24시각제로 '{fixed}'처럼 씁니다(AM/PM 표기 대신).", "time", fixed, safe=True))
    if mode == "gongmun":
        out += _bare_hours(text)
    return out


def _bare_hours(text: str) -> list[Finding]:
    out = []
    for m in BARE_HOUR.finditer(text):
        if re.search(r"(오전|오후|새벽|아침|저녁|밤|낮) ?$", text[max(0, m.start() - 4) : m.start()]):
            continue
        hour, minute = int(m.group("h")), int(m.group("mi") or 0)
        if hour > 24 or minute > 59:
            continue
        if hour >= 13 or hour == 0:
            fixed = f"{hour % 24:02d}:{minute:02d}"
            out.append(make("time-24h", Severity.WARNING, m.start(), m.end(), text,
                            f"공문서의 시각은 시·분 글자 없이 '{fixed}'처럼 씁니다.", "time", fixed, safe=True))
        else:
            am, pm = f"{hour:02d}:{minute:02d}", f"{(hour % 12) + 12:02d}:{minute:02d}"
            out.append(make("time-24h", Severity.INFO, m.start(), m.end(), text,
                            f"공문서의 시각은 24시각제로 씁니다: 오전이면 '{am}', 오후면 '{pm}'.", "time", None))
    return out


def _minute(m: re.Match) -> int:
    if m.group("half"):
        return 30
    return int(m.group("mi") or 0)


def _is_time(left: str, right: str) -> bool:
    return left.isdigit() and right.isdigit() and len(right) == 2 and int(left) <= 24 and int(right) <= 59


def _time_context(text: str, start: int, end: int) -> bool:
    return bool(TIME_CONTEXT_BEFORE.search(text[max(0, start - 20) : start])
                or TIME_CONTEXT_AFTER.match(text[end : end + 6]))


def check_ranges(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in RANGE_SPACE.finditer(text):
        if not (m.group("a") or m.group("b")):
            continue
        s, e = m.start("a"), m.end("b")
        out.append(make("range-spacing", Severity.WARNING, s, e, text,
                        "기간·범위를 나타내는 물결표(∼)는 앞뒤를 붙여 씁니다.", "tilde", m.group("t"), safe=True))
    for m in RANGE_KKAJI.finditer(text):
        s, e = m.start("t"), m.end("k")
        fixed = text[s : m.start("k")]
        out.append(make("range-kkaji", Severity.WARNING, s, e, text,
                        "물결표(∼)가 이미 '까지'의 뜻이므로 '∼ … 까지'를 함께 쓰지 않습니다.", "tilde", fixed))
    return out
