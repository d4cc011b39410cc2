"""Web pages (a saved 시정 소식, a notice board post), read with BeautifulSoup's html.parser.

Scripts, styles, navigation, footers, sidebars and forms are dropped. ``h1``–``h6`` become headings,
tables become rows (a first row of ``th`` cells, or one in ``thead``, is a header), and every other
block element (``p``, ``li``, ``div``…) closes a paragraph, so text sitting loose in a ``div`` is
kept too; ``<br><br>`` also ends one. Title: ``<title>``, else the first heading. Encoding: a
byte-order mark, then the declared ``charset``, then UTF-8, then CP949 (older Korean sites are
often EUC-KR).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

from mokmin.knowledge.readers.common import Blocks, pick_title
from mokmin.knowledge.readers.text import decode_text
from mokmin.knowledge.types import ParsedDocument

# fmt: off
_DROP = ("script", "style", "noscript", "template", "nav", "footer", "form", "button", "svg", "iframe",
         "object", "select", "aside")
_BLOCKS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "hr", "html", "li", "main", "menu", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
_BREAK = "\x1e"  # stands for <br> in the inline buffer: two in a row end a paragraph
_BREAKS = re.compile(r"\x1e\s*\x1e[\s\x1e]*")
_ALIASES = {"euc-kr": "cp949", "euckr": "cp949", "ks_c_5601-1987": "cp949", "ksc5601": "cp949"}


def read(path: Path, data: bytes) -> ParsedDocument:
    soup = BeautifulSoup(_decode(path, data), "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ") if title_tag else None
    for tag in soup.find_all(_DROP):
        tag.decompose()
    if title_tag is not None and title_tag.parent is not None:
        title_tag.decompose()
    out = Blocks()
    buffer: list[str] = []
    _walk(soup, out, buffer)
    _flush(out, buffer)
    return ParsedDocument(
        path=path, format="html", title=pick_title(title, out.blocks, path), blocks=out.blocks
    )


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(path, data)
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(_ALIASES.get(name, name))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(path, data)


def _walk(node: Tag, out: Blocks, buffer: list[str]) -> None:
    """Emit blocks for ``node``'s children; inline text accumulates in ``buffer`` until a block ends."""
    for child in node.children:
        if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name == "br":
            buffer.append(_BREAK)
        elif name in _HEADINGS:
            _flush(out, buffer)
            out.heading(child.get_text(" "), _HEADINGS[name])
        elif name == "table":
            _flush(out, buffer)
            _table(child, out)
        elif name in _BLOCKS:
            _flush(out, buffer)
            _walk(child, out, buffer)
            _flush(out, buffer)
        else:  # inline: span, a, strong, em, font…
            _walk(child, out, buffer)


def _flush(out: Blocks, buffer: list[str]) -> None:
    for part in _BREAKS.split("".join(buffer)):
        out.paragraph(part)
    buffer.clear()


def _table(table: Tag, out: Blocks) -> None:
    rows: list[list[str]] = []
    header = False
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:  # rows of a nested table belong to its cell
            continue
        cells = [cell for cell in tr.find_all(["td", "th"], recursive=False)]
        if not cells:
            continue
        if not rows:
            header = all(cell.name == "th" for cell in cells) or tr.find_parent("thead") is not None
        rows.append([cell.get_text(" ") for cell in cells])
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        out.paragraph(caption.get_text(" "))
    out.table(rows, header=True if header else None)
