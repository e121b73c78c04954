"""A document's content as an A4 PDF (reportlab), the way it is printed and held.

Every page carries the issuer, the document's unique number and "第 i 页 共 n 页"
(ISO/IEC 17025 §7.8.2.1 b, JJF 1071); the first page has a QR code of the document's
verification page. Text is set in WenQuanYi Micro Hei, embedded as a subset, so the PDF
reads the same on any machine (Debian's ``fonts-wqy-microhei``, which the project's
set-up installs). A copy of a document that no longer stands is stamped with its state
across every page. The identity of the document (number, kind, edition) is written in
the PDF's keywords, where the signature covers it and verification reads it back.
"""

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .content import DocumentContent, Line, Section
from .kinds import STAMPS

FONT = "WQYMicroHei"
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # Debian's fonts-wqy-microhei
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
)
INK = colors.HexColor("#1f2d3d")
RULE = colors.HexColor("#8a96a3")
SHADE = colors.HexColor("#e8edf2")
STAMP_RED = colors.Color(0.78, 0.1, 0.1, alpha=0.35)
MARGIN = 18 * mm


class FontMissing(RuntimeError):
    """The CJK font the documents are set in is not installed."""


def _register_font() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            return
    raise FontMissing("WenQuanYi Micro Hei is not installed: apt-get install fonts-wqy-microhei")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "head": ParagraphStyle("head", parent=base, fontSize=8.5, leading=11.5, textColor=colors.black),
        "title": ParagraphStyle("title", parent=base, fontSize=24, leading=30, alignment=TA_CENTER, spaceAfter=2),
        "title_en": ParagraphStyle("title_en", parent=base, fontSize=11, leading=14, alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=base, fontSize=11, leading=16, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=4,
                                  textColor=colors.HexColor("#0b3a66")),
    }


class QrCode(Flowable):
    """A QR code of ``text``, ``size`` wide, drawn as vector squares (sharp when printed)."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        self.matrix = segno.make(text, error="m").matrix
        self.width = self.height = size

    def draw(self) -> None:
        modules = len(self.matrix) + 8  # a quiet zone of four modules each side
        cell = self.width / modules
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for row_index, row in enumerate(self.matrix):
            for column_index, dark in enumerate(row):
                if dark:
                    canvas.rect((column_index + 4) * cell, self.height - (row_index + 5) * cell, cell, cell,
                                stroke=0, fill=1)


def _numbered_canvas(decorate: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that knows the page count when it draws each page's header and footer."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for page_number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                decorate(self, page_number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(content: DocumentContent, verification_url: str, stamp: tuple[str, str] | None = None) -> bytes:
    """The A4 PDF of ``content``; ``stamp`` is (state, date) for a copy of a document that
    no longer stands (``kinds.STAMPS``)."""
    _register_font()
    styles = _styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 10 * mm,
        bottomMargin=MARGIN + 6 * mm, title=f"{content.title} {content.number}", author=content.issuer.name,
        subject=content.number, creator="QI one-stop service platform", keywords=json.dumps(content.identity()),
    )
    story = _first_page(content, verification_url, styles)
    for section in content.sections:
        story += _section(section, styles)
    story += _closing(content, styles)
    document.build(story, canvasmaker=_numbered_canvas(_decorator(content, verification_url, stamp)))
    return out.getvalue()


# -- the parts of a document -------------------------------------------------------------------
# Characters WenQuanYi Micro Hei has no glyph for, printed as their usual equivalent.
NO_GLYPH = str.maketrans({"℃": "°C"})


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text.translate(NO_GLYPH)).replace("\n", "<br/>"), style)


def _first_page(content: DocumentContent, verification_url: str, styles: dict[str, ParagraphStyle]) -> list[Any]:
    heading = [
        _p(content.issuer.name, styles["number"]),
        Spacer(1, 3 * mm),
        _p(content.title, styles["title"]),
        _p(content.title_en, styles["title_en"]),
        Spacer(1, 3 * mm),
        _p(f"编号 No.：{content.number}", styles["number"]),
    ]
    qr = [QrCode(verification_url, 30 * mm), _p("扫码核验 Verify", styles["small"])]
    top = Table([[heading, qr]], colWidths=[A4[0] - 2 * MARGIN - 34 * mm, 34 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    story: list[Any] = [top, Spacer(1, 4 * mm)]
    if content.replaces:
        notice = f"本文件替代 {content.replaces}，原文件作废。This document replaces {content.replaces}."
        if content.replacement_reason:
            notice += f"\n更正原因 Reason：{content.replacement_reason}"
        box = Table([[_p(notice, styles["body"])]], colWidths=[A4[0] - 2 * MARGIN])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#b3541e")),
                                 ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fbf1e8")),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
        story += [box, Spacer(1, 3 * mm)]
    parties = [
        Line("签发机构 Issued by", content.issuer.name),
        Line("地址 Address", content.issuer.address or "—"),
        *([Line("资质 Authorization", content.issuer.identifier)] if content.issuer.identifier else []),
        Line(content.customer.role, content.customer.name),
        *([Line("统一社会信用代码 Credit code", content.customer.identifier)] if content.customer.identifier else []),
        Line("办件编码 Request", content.request_code),
        Line("签发日期 Date of issue", content.issued_on),
    ]
    story.append(_lines_table(parties, styles))
    return story


def _section(section: Section, styles: dict[str, ParagraphStyle]) -> list[Any]:
    parts: list[Any] = [_p(section.heading, styles["heading"])]
    if section.lines:
        parts.append(_lines_table(list(section.lines), styles))
    if section.table is not None:
        if section.lines:
            parts.append(Spacer(1, 2 * mm))
        parts.append(_grid(section.table.columns, section.table.rows, styles))
    for paragraph in section.paragraphs:
        parts.append(_p(paragraph, styles["body"]))
    return [KeepTogether(parts[:2]), *parts[2:]]


def _closing(content: DocumentContent, styles: dict[str, ParagraphStyle]) -> list[Any]:
    story: list[Any] = []
    if content.statements:
        story.append(_p("声明 Statements", styles["heading"]))
        story += [_p(f"{index}. {statement}", styles["small"]) for index, statement in enumerate(content.statements, 1)]
    if content.footnote:
        story += [Spacer(1, 2 * mm), _p(content.footnote, styles["small"])]
    if content.signatories:
        story.append(_p("人员 Personnel", styles["heading"]))
        story.append(_lines_table(list(content.signatories), styles))
    story += [Spacer(1, 4 * mm), _p(
        "本文件由平台签发密钥电子签名（PAdES）；任何改动都会使签名失效。可上传本文件或扫码核验其真伪与当前状态。"
        "This document is electronically signed; upload it or scan the code to verify it and its current state.",
        styles["small"])]
    return story


def _lines_table(rows: list[Line], styles: dict[str, ParagraphStyle]) -> Table:
    width = A4[0] - 2 * MARGIN
    table = Table([[_p(row.label, styles["head"]), _p(row.value, styles["cell"])] for row in rows],
                  colWidths=[48 * mm, width - 48 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def _grid(columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...], styles: dict[str, ParagraphStyle]) -> Table:
    width = (A4[0] - 2 * MARGIN) / len(columns)
    data = [[_p(column, styles["head"]) for column in columns]]
    data += [[_p(cell, styles["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=[width] * len(columns), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _decorator(content: DocumentContent, verification_url: str,
               stamp: tuple[str, str] | None) -> Callable[[Canvas, int, int], None]:
    def decorate(canvas: Canvas, page: int, pages: int) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, height - MARGIN, content.issuer.name)
        canvas.drawRightString(width - MARGIN, height - MARGIN, f"{content.title}  编号 No. {content.number}")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, height - MARGIN - 3, width - MARGIN, height - MARGIN - 3)
        canvas.line(MARGIN, MARGIN + 8, width - MARGIN, MARGIN + 8)
        canvas.drawString(MARGIN, MARGIN, f"核验 Verify: {verification_url}")
        canvas.drawRightString(width - MARGIN, MARGIN, f"第 {page} 页 共 {pages} 页  Page {page} of {pages}")
        if stamp is not None:
            _stamp(canvas, *stamp)
        canvas.restoreState()

    return decorate


def _stamp(canvas: Canvas, state: str, on: str) -> None:
    """The state across the page (a watermark), and in words on a band under the header."""
    zh, en = STAMPS[state]
    width, height = A4
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#b42318"))
    canvas.rect(MARGIN, height - MARGIN - 17, width - 2 * MARGIN, 12, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(FONT, 8.5)
    canvas.drawCentredString(width / 2, height - MARGIN - 14,
                             f"{zh} {en} · {on} · 本副本标示文件当日状态，非现行有效文件 · "
                             f"This copy shows its state that day")
    canvas.restoreState()
    canvas.saveState()
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.setFillColor(STAMP_RED)
    canvas.setStrokeColor(STAMP_RED)
    canvas.setFont(FONT, 64)
    canvas.drawCentredString(0, 10, zh)
    canvas.setFont(FONT, 26)
    canvas.drawCentredString(0, -28, f"{en} · {on}")
    canvas.setLineWidth(3)
    canvas.roundRect(-200, -48, 400, 130, 14, stroke=1, fill=0)
    canvas.restoreState()
