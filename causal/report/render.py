"""Render a :class:`~causal.report.model.Report` as Markdown, self-contained HTML and JSON.

The JSON document follows :data:`JSON_SCHEMA_VERSION`; see ``docs`` in the README. It contains
no timestamps, so the same inputs give byte-identical JSON.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from causal._results import format_number, frame_to_markdown
from causal.report.model import BulletList, Callout, Figure, Paragraph, Report, Section, Table

JSON_SCHEMA_VERSION = "1.1"
_SEVERITY_LABEL = {"ok": "OK", "info": "Note", "warning": "Warning", "error": "Problem"}


# ---------------------------------------------------------------------------- Markdown --
def to_markdown(report: Report) -> str:
    lines = [f"# Refutation report: {report.study.title}", ""]
    lead, rest = _split_verdict(report)
    verdicts = [s.verdict for s in rest if s.verdict]
    for section in lead:
        lines += _section_markdown(section)
    if verdicts:
        lines += ["## At a glance", ""] + [f"- {v}" for v in verdicts] + [""]
    for section in rest:
        lines += _section_markdown(section)
    lines += ["## Reproducibility", "", _dict_markdown(report.reproducibility), ""]
    return "\n".join(lines).rstrip() + "\n"


def _split_verdict(report: Report) -> tuple[list[Section], list[Section]]:
    """The verdict section (if any) goes first, above the per-section summary."""
    lead = [s for s in report.sections if s.key == "verdict"]
    return lead, [s for s in report.sections if s.key != "verdict"]


def _section_markdown(section: Section) -> list[str]:
    lines = [f"## {section.title}", ""]
    for block in section.blocks:
        lines += [_block_markdown(block), ""]
    return lines


def _block_markdown(block: Any) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Callout):
        return f"> **{_SEVERITY_LABEL[block.severity]}.** {block.text}"
    if isinstance(block, BulletList):
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Table):
        table = frame_to_markdown(block.frame, block.digits)
        return f"{table}\n\n*{block.caption}*" if block.caption else table
    if isinstance(block, Figure):
        return f"![{block.alt or block.key}]({block.key}.png)\n\n*{block.caption}*"
    raise TypeError(f"unknown block {type(block).__name__}")


def _dict_markdown(data: dict[str, Any]) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k} {v}" for k, v in value.items())
            lines.append(f"- {key}: {inner}")
        else:
            lines.append(f"- {key}: {value}")
    return "\n".join(lines)


# -------------------------------------------------------------------------------- HTML --
def _inline(text: str) -> str:
    escaped = html.escape(text)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", escaped)


def _table_html(block: Table) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in block.frame.columns)
    rows = []
    for row in block.frame.itertuples(index=False):
        cells = "".join(f"<td>{_inline(format_number(v, block.digits))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{_inline(block.caption)}</caption>" if block.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _block_html(block: Any) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inline(block.text)}</p>"
    if isinstance(block, Callout):
        return (f'<div class="callout {block.severity}"><strong>'
                f"{_SEVERITY_LABEL[block.severity]}.</strong> {_inline(block.text)}</div>")
    if isinstance(block, BulletList):
        return "<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table_html(block)
    if isinstance(block, Figure):
        data = base64.b64encode(block.png).decode("ascii")
        return (f'<figure id="fig-{block.key}"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(block.alt or block.key)}"><figcaption>'
                f"{_inline(block.caption)}</figcaption></figure>")
    raise TypeError(f"unknown block {type(block).__name__}")


def to_html(report: Report) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("causal.report", "templates"),
                      autoescape=select_autoescape(["html"]))
    template = env.get_template("report.html.j2")
    lead, rest = _split_verdict(report)

    def rendered(section: Section) -> dict[str, str]:
        return {"key": section.key, "title": section.title,
                "body": "\n".join(_block_html(b) for b in section.blocks)}

    return template.render(
        title=report.study.title,
        lead=[rendered(s) for s in lead],
        verdicts=[s.verdict for s in rest if s.verdict],
        sections=[rendered(s) for s in rest],
        reproducibility=report.reproducibility,
    )


# -------------------------------------------------------------------------------- JSON --
def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return _jsonable(value.to_dict("records"))
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, Path):
        return str(value)
    return value


def to_json_document(report: Report) -> dict[str, Any]:
    return {
        "schema": "causal-report",
        "schema_version": JSON_SCHEMA_VERSION,
        "study": {"name": report.study.name, "title": report.study.title,
                  "treatment": report.study.treatment, "outcome": report.study.outcome},
        "summary": [s.verdict for s in report.sections if s.verdict],
        "sections": [{"key": s.key, "title": s.title, "verdict": s.verdict,
                      "figures": [f"{b.key}.png" for b in s.blocks if isinstance(b, Figure)],
                      "data": s.data} for s in report.sections],
        "reproducibility": report.reproducibility,
    }


def to_json(report: Report) -> str:
    document = _jsonable(to_json_document(report))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False,
                      allow_nan=False) + "\n"
