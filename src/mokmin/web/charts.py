"""Small server-side SVG charts (no JavaScript chart library, nothing from a CDN).

Charts use presentation attributes (``fill``, ``stroke``) and classes only: the site's Content-Security-Policy
forbids inline ``style``. Every text is escaped; every bar has a ``<title>`` (a tooltip, read by screen readers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

UP_COLOR = "#2f7d4f"
LINE_COLOR = "#1f4e8c"
GRID_COLOR = "#d0d5dc"
TEXT_COLOR = "#3d4550"


@dataclass(frozen=True)
class Point:
    label: str  # shown under the bar, e.g. "11-28"
    share: float  # 0..1, the bar's height
    count: int  # how many it is based on (shown as the tooltip and the bar's width cue)
    title: str = ""  # tooltip; default "label: share% (count)"


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def share_chart(points: Sequence[Point], *, width: int = 720, height: int = 240, caption: str = "",
                element_id: str = "satisfaction-svg") -> str:
    """Bars of a share (0–100 %) per point, joined by a line; empty data gives a chart that says so."""
    left, right, top, bottom = 40, 10, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
             f'aria-label="{escape(caption or "비율 차트")}">']
    if caption:
        parts.append(f"<title>{escape(caption)}</title>")
    for tick in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID_COLOR}" '
                     f'stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{TEXT_COLOR}">{_pct(tick)}</text>')
    if not points:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                     f'font-size="13" fill="{TEXT_COLOR}">아직 평가가 없습니다</text></svg>')
        return "".join(parts)
    slot = plot_w / len(points)
    bar_w = max(2.0, min(36.0, slot * 0.6))
    label_every = max(1, round(len(points) / 12))
    line: list[str] = []
    for i, p in enumerate(points):
        share = min(1.0, max(0.0, p.share))
        cx = left + slot * (i + 0.5)
        bar_h = plot_h * share
        y = top + plot_h - bar_h
        tip = p.title or f"{p.label}: {_pct(share)} ({p.count}건)"
        parts.append(f'<rect class="bar" x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                     f'height="{bar_h:.1f}" fill="{UP_COLOR}" fill-opacity="0.55" data-share="{share:.3f}" '
                     f'data-count="{p.count}"><title>{escape(tip)}</title></rect>')
        line.append(f"{cx:.1f},{y:.1f}")
        if i % label_every == 0 or i == len(points) - 1:
            parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                         f'fill="{TEXT_COLOR}">{escape(p.label)}</text>')
    if len(line) > 1:
        parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{LINE_COLOR}" stroke-width="2"/>')
    for xy in line:
        x, y = xy.split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{LINE_COLOR}"/>')
    parts.append("</svg>")
    return "".join(parts)


def spark_bars(counts: Sequence[int], *, width: int = 80, height: int = 18, label: str = "") -> str:
    """A tiny bar row (e.g. weekly counts of a topic, oldest first; the last bar is highlighted)."""
    n = max(1, len(counts))
    peak = max(counts, default=0) or 1
    slot = width / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-label="{escape(label or "추이")}">']
    for i, c in enumerate(counts):
        h = max(1.0, (height - 2) * c / peak) if c else 1.0
        color = LINE_COLOR if i == len(counts) - 1 else GRID_COLOR
        parts.append(f'<rect x="{i * slot + 1:.1f}" y="{height - h:.1f}" width="{max(1.0, slot - 2):.1f}" '
                     f'height="{h:.1f}" fill="{color}"><title>{c}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)
