"""The briefing as 16:9 slides (python-pptx): a title slide, a KPI slide, a slide per chart."""
from __future__ import annotations

from collections.abc import Sequence

from dashboard.briefing.document import TITLE, chart_images, gather, kpi_rows
from dashboard.catalogue import PANELS
from dashboard.indicators import Filter
from dashboard.wording import day_zh


def build_pptx(svc, f: Filter, charts: Sequence[str] | None = None, version: int | None = None) -> bytes:
    """16:9 slides: a title slide, a KPI slide, one slide per chart (PNG from the renderer)."""
    import io

    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    b = gather(svc, f, charts, version)
    pngs = chart_images(b, svc, "png", "slide", version)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    red, grey = RGBColor(0xB3, 0x26, 0x1E), RGBColor(0x4B, 0x55, 0x63)

    def text(slide, left, top, width, height, lines, size, colour=None, bold=False):
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
            para.font.size, para.font.bold, para.font.name = Pt(size), bold, "Noto Sans CJK SC"
            if colour is not None:
                para.font.color.rgb = colour
        return box

    blank = prs.slide_layouts[6]
    title = prs.slides.add_slide(blank)
    text(title, Inches(0.8), Inches(2.3), Inches(11.7), Inches(1.2), [TITLE], 40, red, True)
    text(title, Inches(0.8), Inches(3.6), Inches(11.7), Inches(1.4),
         [b.scope, "来源:章丘区委老干部局党建看板" + (" · 演示数据" if b.demo else "")], 18, grey)

    kpi = prs.slides.add_slide(blank)
    text(kpi, Inches(0.6), Inches(0.35), Inches(12), Inches(0.8), ["主要指标"], 30, red, True)
    rows = kpi_rows(b)
    shape = kpi.shapes.add_table(len(rows) + 1, 4, Inches(0.6), Inches(1.3), Inches(12.1), Inches(0.5) * (len(rows) + 1))
    table = shape.table
    for j, head in enumerate(("指标", f"截至{day_zh(b.filter.as_of)}", "上年同期", "变化")):
        table.cell(0, j).text = head
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    for cell in (table.cell(i, j) for i in range(len(rows) + 1) for j in range(4)):
        for para in cell.text_frame.paragraphs:
            para.font.size, para.font.name = Pt(16), "Noto Sans CJK SC"
    text(kpi, Inches(0.6), Inches(6.75), Inches(12), Inches(0.5), [b.scope], 12, grey)

    attention = prs.slides.add_slide(blank)
    text(attention, Inches(0.6), Inches(0.35), Inches(12), Inches(0.8), ["需关注事项"], 30, red, True)
    text(attention, Inches(0.6), Inches(1.3), Inches(12.1), Inches(5.3), list(b.attention), 16)
    text(attention, Inches(0.6), Inches(6.75), Inches(12), Inches(0.5), [b.scope], 12, grey)

    for pid in b.charts:
        slide = prs.slides.add_slide(blank)
        pic = slide.shapes.add_picture(io.BytesIO(pngs[pid]), Emu(0), Emu(0), width=prs.slide_width)
        pic.name = PANELS[pid].title
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
