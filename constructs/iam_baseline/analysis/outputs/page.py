"""``access-report.html``: the Markdown report (:mod:`.report`) as a page a reviewer reads.

The page opens with the checks that failed and the invariants that are not proven (red
panels), then who can reach admin and the graph (:mod:`.graphviz`: laid out by Graphviz, red
along every chain to admin), then the details. The Markdown is rendered by markdown-it-py
(CommonMark plus tables, pinned in requirements-check.txt) with raw HTML disabled: names and
conditions come from the templates, so they are shown as text, never interpreted as markup.
The page is static (no script, no network) and fits a 1,280-pixel window: text wraps
(long ARNs break anywhere), tables take the page width, the SVG scales down to it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from .admin_reach import analysed_model, who_can_reach_admin
from .graphviz import dot_source, render_svg
from .report import Section, headline

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun

#: Width of the page's content in CSS pixels: a 1,280-pixel window less its scroll bar and margins.
CONTENT_WIDTH_PX = 1200

_STYLE = f"""
html {{ font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.45; color: #1f2328; }}
body {{ margin: 0; }}
main {{ max-width: {CONTENT_WIDTH_PX}px; margin: 0 auto; padding: 0 24px 48px; box-sizing: border-box;
        overflow-wrap: anywhere; }}
nav a {{ margin-right: 1em; }}
section {{ margin-top: 1.5em; }}
section.attention {{ border: 2px solid #b00000; border-radius: 6px; background: #fff3f3; padding: 0 16px 8px; }}
section.attention h2 {{ color: #b00000; }}
figure {{ margin: 0; }}
figure svg {{ display: block; max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 13px; }}
th, td {{ border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }}
code {{ font-size: 12px; background: #f3f4f6; padding: 0 2px; word-break: break-word; }}
h3 {{ margin-bottom: 0.3em; }}
"""

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable("table")


def _section(section: Section) -> str:
    css = ' class="attention"' if section.attention else ""
    return f'<section id="{section.key}"{css}>\n{_RENDERER.render(section.markdown())}</section>\n'


def graph_section(run: CheckRun) -> str:
    """The ``<section id="graph">`` with the SVG laid out by Graphviz and its legend."""
    svg = render_svg(dot_source(run, analysed_model(run), who_can_reach_admin(run)))
    return (
        '<section id="graph">\n<h2>Graph: who can become whom</h2>\n'
        "<p>Red boxes are administrators; red, bold edges are the chains of <a href=\"#who-can-reach-admin\">"
        "who can reach admin</a>; grey boxes are outside the assembly. Hover a box for its full name.</p>\n"
        f"<figure>{svg}</figure>\n</section>\n"
    )


def html_page(run: CheckRun, parts: list[Section]) -> str:
    """The whole page (see the module)."""
    nav = " ".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in parts)
    body: list[str] = []
    for section in parts:
        body.append(_section(section))
        if section.key == "who-can-reach-admin":
            body.append(graph_section(run))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Access report: account {html.escape(run.model.account)}</title><style>{_STYLE}</style></head>\n"
        f"<body><main>\n<h1>Access report</h1>\n<p>{html.escape(headline(run))}</p>\n"
        f'<nav><a href="#graph">Graph</a> {nav}</nav>\n{"".join(body)}</main></body></html>\n'
    )
