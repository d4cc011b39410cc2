"""Proofreading benchmark on Korean error-correction pairs (K-NCT), with baselines measured in the same run.

    python bench/bench_proofread.py ../shared/data/gec_knct_3000.jsonl [--limit N] [--checker auto]

For every pair the proofreader runs on ``source``. A gold error is a ``<eN>`` span of ``source_tagged`` with its
``error_type``; its correction is the aligned part of ``target``. Per error kind:
  found     = some finding touches the span (any suggestion or flag),
  fixed     = applying the safe fixes (or all suggestions) that touch the span gives exactly the target text.
Precision = findings that touch some gold span / all findings (safe fixes and all findings separately).
False changes: the same systems on correct text (every ``target`` sentence and the sentences of the seed's human
press release): share of sentences changed by safe fixes and share with any finding.
Systems: the whole proofreader (``mokmin.workflows.proofread``: spelling plus 공문서 notation, public language,
discrimination) when that module exists, and ``check_spelling`` alone. Baselines: raw ``kiwi.space()``
(everything it changes counts as a safe fix) and matchum alone (its ERROR level = its auto-fixes).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SEED_RELEASE = ROOT / "tests" / "fixtures" / "seed_human_release.txt"
_SPAN = re.compile(r"<(e\d+)>(.*?)</e\d+>", re.S)
_TAG = re.compile(r"</?e\d+>")
KINDS = [
    ("spacing", "띄어쓰기"),
    ("punctuation", "문장 부호"),
    ("numerical", "수 표기"),
    ("G2P", "소리 나는 대로"),
    ("consonant_vowel_conversion", "자모 오타"),
    ("foreign_and_conversion", "외래어"),
    ("neologism", "신조어"),
    ("dialect", "방언"),
    ("postposition", "조사"),
    ("suffix", "어미·접사"),
    ("tense", "시제"),
    ("polite_speech", "높임"),
    ("auxiliary_predicate", "보조 용언"),
    ("element", "성분·어순"),
    ("behavior", "기타"),
]


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str | None  # None: a flag without a fix
    safe: bool
    rule: str = ""


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    kind: str
    correction: str


def kind_of(error_type: str) -> str:
    parts = error_type.split(",")
    for key, _ in KINDS:
        if key in parts:
            return key
    return "behavior"


# ---------------------------------------------------------------- gold spans and alignment


def _map_start(ops, i: int, n_src: int, n_tgt: int) -> int:
    if i >= n_src:
        return n_tgt
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i1 <= i < i2:
            return j1 + (i - i1)
        if tag != "equal" and (i1 <= i < i2 or i1 == i2 == i):
            return j1
    return n_tgt


def _map_end(ops, e: int) -> int:
    j = 0
    for tag, i1, i2, j1, j2 in ops:
        if i1 < e <= i2:
            j = j1 + (e - i1) if tag == "equal" else j2
        elif i1 == i2 == e and tag == "insert":
            j = max(j, j2)
    return j


def gold_spans(row: dict) -> list[Gold]:
    source, target = row["source"], row["target"]
    ops = difflib.SequenceMatcher(None, source, target, autojunk=False).get_opcodes()
    spans, offset, plain = [], 0, 0
    tagged = row["source_tagged"]
    for m in _SPAN.finditer(tagged):
        plain += len(_TAG.sub("", tagged[offset : m.start()]))
        s, e = plain, plain + len(m.group(2))
        plain, offset = e, m.end()
        if source[s:e] != m.group(2):
            continue  # a malformed tagging
        kind = kind_of(row["error_type"].get(m.group(1), "behavior"))
        correction = target[_map_start(ops, s, len(source), len(target)) : _map_end(ops, e)]
        if source[s:e] != correction:
            spans.append(Gold(s, e, kind, correction))
    return spans


def _touches(edit: Edit, s: int, e: int) -> bool:
    if edit.start == edit.end:
        return s <= edit.start <= e
    return edit.start < e and s < edit.end


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    kept, last = [], -1
    for ed in sorted(edits, key=lambda x: (x.start, x.end)):
        if ed.replacement is not None and ed.start >= last:
            kept.append(ed)
            last = ed.end
    return kept


def apply_edits(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for ed in _non_overlapping(edits):
        out.append(text[pos : ed.start])
        out.append(ed.replacement)
        pos = ed.end
    out.append(text[pos:])
    return "".join(out)


def fixed_exactly(source: str, target: str, gold: Gold, edits: list[Edit]) -> bool:
    touching = [ed for ed in _non_overlapping(edits) if _touches(ed, gold.start, gold.end)]
    if not touching:
        return False
    rs = min(gold.start, *(ed.start for ed in touching))
    re_ = max(gold.end, *(ed.end for ed in touching))
    shifted = [Edit(ed.start - rs, ed.end - rs, ed.replacement, ed.safe) for ed in touching]
    ops = difflib.SequenceMatcher(None, source, target, autojunk=False).get_opcodes()
    expected = target[_map_start(ops, rs, len(source), len(target)) : _map_end(ops, re_)]
    return apply_edits(source[rs:re_], shifted) == expected


# ---------------------------------------------------------------- systems


def _edits_from_rewrite(before: str, after: str) -> list[Edit]:
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    return [Edit(i1, i2, after[j1:j2], True) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


Run = Callable[[str], tuple[list[Edit], str]]  # text -> (edits, text after the safe fixes)


def _rewrite_run(edits_of: Callable[[str], list[Edit]]) -> Run:
    def run(text: str) -> tuple[list[Edit], str]:
        edits = edits_of(text)
        return edits, apply_edits(text, [e for e in edits if e.safe])

    return run


def mokmin_system(choice: str) -> tuple[str, Run]:
    if choice in ("auto", "proofread"):
        try:
            from mokmin.workflows.proofread import apply_safe_fixes, proofread, replacement, select_safe_fixes
        except ImportError:
            if choice == "proofread":
                raise SystemExit("mokmin.workflows.proofread가 아직 없습니다: --checker spelling으로 실행하세요.")
        else:

            def run(text: str) -> tuple[list[Edit], str]:
                result = proofread(text, mode="general")
                if result.text != text:  # normalisation moved the offsets: score on the normalised text
                    text = result.text
                safe = {id(f) for f in select_safe_fixes(text, result.findings)}
                edits = [Edit(f.start, f.end, replacement(f), id(f) in safe, f.rule_id) for f in result.findings]
                return edits, apply_safe_fixes(text, result.findings)

            return "mokmin proofread()", run

    return spelling_system()


def spelling_system() -> tuple[str, Run]:
    from mokmin.checks.spelling import check_spelling

    return "mokmin check_spelling()", _rewrite_run(
        lambda text: [
            Edit(f.start, f.end, f.suggestion, bool(f.safe_fix and f.suggestion is not None), f.rule_id)
            for f in check_spelling(text)
        ]
    )


def kiwi_space_system() -> tuple[str, Run]:
    from mokmin.text.korean import kiwi

    return "kiwi.space() raw", _rewrite_run(lambda text: _edits_from_rewrite(text, kiwi().space(text)))


def matchum_system() -> tuple[str, Run]:
    import matchum

    return "matchum alone", _rewrite_run(
        lambda text: [
            Edit(c.start, c.end, c.suggestion, c.level is matchum.Level.ERROR, c.rule_id)
            for c in matchum.check(text).corrections
        ]
    )


# ---------------------------------------------------------------- measurement


def seed_sentences() -> list[str]:
    from mokmin.text.korean import split_sentences

    text = SEED_RELEASE.read_text(encoding="utf-8")
    return [text[s:e] for s, e in split_sentences(text)]


def measure(run: Run, rows: list[dict], correct: list[str]) -> dict:
    stats: dict = {"n": Counter(), "found": Counter(), "safe": Counter(), "any": Counter()}
    det_all = det_all_hit = det_safe = det_safe_hit = 0
    t0 = time.perf_counter()
    chars = 0
    for row in rows:
        source = row["source"]
        chars += len(source)
        edits, _ = run(source)
        golds = gold_spans(row)
        safe_edits = [e for e in edits if e.safe]
        for g in golds:
            stats["n"][g.kind] += 1
            if any(_touches(e, g.start, g.end) for e in edits):
                stats["found"][g.kind] += 1
            if fixed_exactly(source, row["target"], g, safe_edits):
                stats["safe"][g.kind] += 1
            if fixed_exactly(source, row["target"], g, [e for e in edits if e.replacement is not None]):
                stats["any"][g.kind] += 1
        for e in edits:
            hit = any(_touches(e, g.start, g.end) for g in golds)
            det_all += 1
            det_all_hit += hit
            if e.safe:
                det_safe += 1
                det_safe_hit += hit
    elapsed = time.perf_counter() - t0
    changed = flagged = 0
    examples = []
    changing_rules: Counter = Counter()
    for sentence in correct:
        edits, after = run(sentence)
        flagged += bool(edits)
        if after != sentence:
            changed += 1
            changing_rules.update({e.rule for e in edits if e.safe and e.rule})
            if len(examples) < 8:
                examples.append((sentence, after))
    stats.update(
        precision_all=det_all_hit / det_all if det_all else float("nan"),
        precision_safe=det_safe_hit / det_safe if det_safe else float("nan"),
        n_all=det_all,
        n_safe=det_safe,
        false_change=changed / len(correct),
        flagged=flagged / len(correct),
        n_correct=len(correct),
        changed=changed,
        examples=examples,
        changing_rules=changing_rules,
        sent_per_s=len(rows) / elapsed,
        chars_per_s=chars / elapsed,
    )
    return stats


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "–"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def print_report(results: dict[str, dict], n_rows: int) -> None:
    names = list(results)
    first = results[names[0]]
    print(f"\nK-NCT pairs: {n_rows}; gold error spans: {sum(first['n'].values())}; correct sentences: "
          f"{first['n_correct']} (every target + the seed's human press release)\n")
    print("Recall per error kind: found / fixed exactly by safe fixes / fixed exactly by any suggestion\n")
    print(_row(["error kind", "n", *names]))
    print(_row(["---"] * (len(names) + 2)))
    for key, label in KINDS:
        n = first["n"][key]
        if n:
            cells = [f"{_pct(r['found'][key], n)} / {_pct(r['safe'][key], n)} / {_pct(r['any'][key], n)}"
                     for r in results.values()]
            print(_row([f"{key} ({label})", str(n), *cells]))
    total = sum(first["n"].values())
    cells = [f"{_pct(sum(r['found'].values()), total)} / {_pct(sum(r['safe'].values()), total)} / "
             f"{_pct(sum(r['any'].values()), total)}" for r in results.values()]
    print(_row(["**all**", str(total), *cells]))

    measures = [
        ("precision of safe fixes (touch a gold span)", lambda r: f"{100 * r['precision_safe']:.1f}% of {r['n_safe']}"),
        ("precision of all findings", lambda r: f"{100 * r['precision_all']:.1f}% of {r['n_all']}"),
        ("correct sentences changed by safe fixes", lambda r: f"{100 * r['false_change']:.2f}% ({r['changed']})"),
        ("correct sentences with any finding", lambda r: f"{100 * r['flagged']:.1f}%"),
        ("sentences/s", lambda r: f"{r['sent_per_s']:.0f}"),
        ("chars/s", lambda r: f"{r['chars_per_s']:.0f}"),
    ]
    print()
    print(_row(["measure", *names]))
    print(_row(["---"] * (len(names) + 1)))
    for label, fmt in measures:
        print(_row([label, *(fmt(r) for r in results.values())]))
    for name, r in results.items():
        if r["examples"]:
            rules = ", ".join(f"{rule} {n}" for rule, n in r["changing_rules"].most_common(12))
            print(f"\n{name}: correct sentences its safe fixes changed (first {len(r['examples'])})"
                  + (f"; safe-fix rules involved: {rules}" if rules else ""))
            for before, after in r["examples"]:
                print(f"  - {before}\n    → {after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="gec_knct_3000.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pairs")
    parser.add_argument("--checker", choices=["auto", "spelling", "proofread"], default="auto",
                        help="auto: proofread() if mokmin.workflows.proofread exists, else check_spelling()")
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    correct = [r["target"] for r in rows] + seed_sentences()

    systems = [mokmin_system(args.checker)]
    if systems[0][0] != spelling_system()[0]:
        systems.append(spelling_system())  # the spelling checker alone, beside the whole proofreader
    systems += [kiwi_space_system(), matchum_system()]
    for _, run in systems:
        run("워밍업 문장입니다.")  # load kiwi, hunspell and the rule tables outside the timing
    results = {}
    for name, run in systems:
        print(f"측정 중: {name} …", file=sys.stderr)
        results[name] = measure(run, rows, correct)
    print_report(results, len(rows))


if __name__ == "__main__":
    main()
