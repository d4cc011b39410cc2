"""Everything checked on a 보도자료: the fact lock plus form and style, over one text."""

from __future__ import annotations

from mokmin.checks.factlock import check_factlock
from mokmin.checks.finding import Finding, sort_findings
from mokmin.checks.press_style import Origin, check_press_style
from mokmin.checks.support import Support
from mokmin.press.brief import Brief
from mokmin.press.layout import parse_layout
from mokmin.profile import CityProfile


def build_support(brief: Brief, profile: CityProfile) -> Support:
    return Support.build(brief.support_text() + "\n" + profile.support_text())


def check_press_release(
    draft: str, brief: Brief, profile: CityProfile, *, origin: Origin = "unknown", writing: bool = True
) -> list[Finding]:
    support = build_support(brief, profile)
    layout = parse_layout(draft)
    regions = [(s.start, s.end) for s in layout.checked_spans()]
    findings = check_factlock(draft, support, regions)
    findings += check_press_style(
        draft, layout, support, title_max=profile.press.title_max_chars, origin=origin,
        disclosure_text=profile.ai_disclosure,
    )
    if writing:
        findings += writing_findings(draft, regions, profile)
    return _dedupe(sort_findings(findings))


def writing_findings(draft: str, regions: list[tuple[int, int]], profile: CityProfile) -> list[Finding]:
    """The proofreader's findings (notation, spelling, public language, discrimination) and the social-bias
    classifier's, inside ``regions``.

    The same engine as ``mokmin proofread --mode press``; its sentence rules are left out here because
    check_press_style already ran them on the release.
    """
    from mokmin.workflows.proofread import normalize_text, proofread

    if normalize_text(draft) != draft:  # offsets must index the draft itself
        return []
    from mokmin.checks.bias import check_bias

    result = proofread(draft, mode="press", profile=profile)
    findings = [f for f in result.findings if f.source != "press_style"] + check_bias(draft)
    return [f for f in findings if any(s <= f.start and f.end <= e for s, e in regions)]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.rule_id, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
