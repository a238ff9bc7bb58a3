"""The report as one self-contained HTML page (figures inlined as ``data:`` URIs).

Every OSM-, ONS- or user-derived string is HTML-escaped (:func:`healthyplaces.formatting.esc`).
"""

from __future__ import annotations

from healthyplaces.assets import data_uri
from healthyplaces.formatting import esc
from healthyplaces.report.headlines import headline_table
from healthyplaces.report.model import (
    Figure,
    Note,
    Report,
    Section,
    Subheading,
    Table,
)

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#1a1a1a;max-width:60rem;
margin:0 auto;padding:1rem 1.5rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem;color:#14532d}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:2px solid #1b7837;padding-bottom:.2rem}
.sub{color:#444;margin-top:0}table{border-collapse:collapse;width:100%;margin:.6rem 0;
font-size:.85rem}caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #bbb;padding:.25rem .4rem;vertical-align:top}
th{background:#e8f1ea;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-size:.85rem;color:#333}.charts{display:grid;
grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
.note{background:#fff8e1;border-left:4px solid #b8860b;padding:.4rem .8rem}
.attr{font-size:.8rem;color:#333;border-top:1px solid #ccc;margin-top:2rem;padding-top:.5rem}
dt{font-weight:bold;margin-top:.6rem}dd{margin-left:1rem}
@media print{h2{page-break-after:avoid}figure,table{page-break-inside:avoid}}
"""


def html_table(table: Table, first_col_header: bool = True) -> str:
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for i, (cell, num) in enumerate(zip(row, table.numeric, strict=True)):
            if i == 0 and first_col_header:
                cells.append(f'<th scope="row">{esc(cell)}</th>')
            else:
                cells.append(f'<td class="n">{esc(cell)}</td>' if num else f"<td>{esc(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><caption>{esc(table.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _img(png: bytes, alt: str) -> str:
    return f'<img src="{data_uri(png, "image/png")}" alt="{esc(alt)}">'


def _figure(fig: Figure) -> str:
    return f"<figure>{_img(fig.png, fig.alt)}<figcaption>{esc(fig.caption)}</figcaption></figure>"


def _section(sec: Section) -> str:
    """A :class:`Section`, block by block (paragraphs, notes, subheadings, tables, figures)."""
    out = [f'<section aria-labelledby="s-{sec.key}"><h2 id="s-{sec.key}">{esc(sec.title)}</h2>']
    for block in sec.blocks:
        if isinstance(block, Note):
            out.append(f'<p class="note" role="note">{esc(block.text)}</p>')
        elif isinstance(block, Subheading):
            out.append(f"<h3>{esc(block.text)}</h3>")
        elif isinstance(block, Table):
            out.append(html_table(block))
        elif isinstance(block, Figure):
            out.append(_figure(block))
        else:
            out.append(f"<p>{esc(block)}</p>")
    out.append("</section>")
    return "".join(out)


def render_html(report: Report) -> str:
    """A self-contained HTML page: inline CSS, ``data:`` URI images, no scripts, no links out."""
    p: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title><style>{_CSS}</style></head><body>",
        "<header>",
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="sub">{esc(report.subtitle)}. Population {esc(report.population)} '
        f"(Census 2021). Report generated {esc(report.date)}.</p>",
        "</header><main>",
    ]
    if report.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in report.warnings)
        p.append(f'<div class="note" role="note"><p>About this boundary:</p><ul>{items}</ul></div>')
    p.append('<section aria-labelledby="s-summary"><h2 id="s-summary">Summary</h2><ul>')
    p += [f"<li>{esc(s)}</li>" for s in report.summary]
    p.append("</ul></section>")
    p.append('<section aria-labelledby="s-head"><h2 id="s-head">Headline indicators</h2>')
    p.append(html_table(headline_table(report)))
    p.append("</section>")
    p.append('<section aria-labelledby="s-map"><h2 id="s-map">Map</h2>')
    p.append(
        f"<figure>{_img(report.map.png, report.map.alt)}"
        f"<figcaption>{esc(report.map.caption)}<br>{esc(report.attribution)}</figcaption>"
        "</figure></section>"
    )
    p.append(
        '<section aria-labelledby="s-dec"><h2 id="s-dec">Indicators by deprivation '
        f'decile</h2><p>{esc(report.decile_note)}</p><div class="charts">'
    )
    for fig in report.decile_charts:
        p.append(
            f"<figure>{_img(fig.png, fig.alt)}<figcaption>{esc(fig.caption)}</figcaption></figure>"
        )
    p.append("</div></section>")
    p.append(
        '<section aria-labelledby="s-ineq"><h2 id="s-ineq">Inequality in access to green '
        "space (≥ 2 ha within 300 m)</h2><dl>"
    )
    for s in report.inequality:
        p.append(
            f"<dt>{esc(s.name)}: {esc(s.value)} (95% interval {esc(s.interval)})</dt>"
            f"<dd>{esc(s.explanation)} {esc(s.reading)}</dd>"
        )
    p.append("</dl></section>")
    if report.air_change is not None:
        p.append(
            '<section aria-labelledby="s-air"><h2 id="s-air">Air quality: the change by '
            "deprivation decile</h2>"
        )
        p.append(html_table(report.air_change))
        p.append("</section>")
    p.append(
        '<section aria-labelledby="s-acc"><h2 id="s-acc">Access to green space: both methods</h2>'
    )
    p.append(html_table(report.access))
    p += [f'<p class="note" role="note">{esc(n)}</p>' for n in report.coverage_notes]
    p.append("</section>")
    if report.sensitivity is not None:
        p.append(
            '<section aria-labelledby="s-sens"><h2 id="s-sens">Which green space counts: '
            "the site definitions</h2>"
        )
        p.append(html_table(report.sensitivity))
        if report.completeness:
            p.append(f'<p class="note" role="note">{esc(report.completeness)}</p>')
        p.append("</section>")
    p += [_section(sec) for sec in report.sections]
    p.append('<section aria-labelledby="s-lsoa"><h2 id="s-lsoa">LSOAs</h2>')
    p.append(html_table(report.lsoa_table, first_col_header=False))
    p.append("</section>")
    p.append('<section aria-labelledby="s-meth"><h2 id="s-meth">Methods</h2>')
    p += [f"<p>{esc(m)}</p>" for m in report.methods]
    p.append("<p>Data years: " + esc("; ".join(report.vintages)) + ".</p></section>")
    p.append('<section aria-labelledby="s-src"><h2 id="s-src">Data sources and licences</h2>')
    p.append(html_table(report.sources))
    p.append("</section></main>")
    p.append(
        f'<footer class="attr"><p>{esc(report.attribution)}</p>'
        f"<p>Generated {esc(report.date)} by Healthy Places West Yorkshire.</p></footer>"
    )
    p.append("</body></html>")
    return "\n".join(p)
