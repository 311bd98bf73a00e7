"""The report of a run: ``report.json`` (everything), ``report.md`` and a self-contained
``report.html`` (inline SVG charts, no scripts, nothing fetched)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path
from typing import Any

from evals.baseline import Regression
from evals.metrics import Failure, MetricResult
from evals.results import CaseResult


@dataclass(frozen=True)
class RunInfo:
    """What was evaluated, with what, and when."""

    started: str
    seconds: float
    setup_seconds: float
    engine: str
    embedding_model: str
    prompt_version: str
    corpus_fingerprint: str
    documents: int
    cases: int
    turns: int
    workers: int
    cases_dir: str


def build_report(
    info: RunInfo,
    results: list[CaseResult],
    metrics: list[MetricResult],
    regressions: list[Regression],
    baseline: dict[str, Any] | None,
) -> dict[str, Any]:
    """The whole report as JSON-ready data; the Markdown and HTML are rendered from it."""
    failures: dict[str, list[Failure]] = defaultdict(list)
    for metric in metrics:
        for failure in metric.failures:
            failures[failure.case].append(failure)
    recorded = (baseline or {}).get("metrics", {})
    problems = [f"{m.name} is {m.value:g}, {'below' if m.higher_is_better else 'above'} its "
                f"threshold of {m.threshold:g}" for m in metrics if not m.passed]
    problems += [str(r) for r in regressions]
    cases = [_case(result, failures[result.id]) for result in results]
    seconds = [r.seconds for r in results]
    return {
        "passed": not problems,
        "problems": problems,
        "meta": asdict(info),
        "baseline": {k: v for k, v in (baseline or {}).items() if k != "metrics"} or None,
        "metrics": [m.to_dict() | {"baseline": recorded.get(m.name)} for m in metrics],
        "groups": {key: _groups(cases, key) for key in ("user", "capability")},
        "timing": {
            "cases_seconds": round(sum(seconds), 2),
            "per_case_seconds": round(sum(seconds) / len(seconds), 3) if seconds else None,
            "slowest": [{"case": r.id, "seconds": r.seconds}
                        for r in sorted(results, key=lambda r: -r.seconds)[:5]],
        },
        "cases": cases,
    }


def _case(result: CaseResult, failures: list[Failure]) -> dict[str, Any]:
    return {
        "id": result.id,
        "user": result.case.user,
        "capability": result.case.capability,
        "description": result.case.description,
        "passed": not failures,
        "seconds": result.seconds,
        "failures": [asdict(f) for f in failures],
        "turns": [
            {
                "message": t.message,
                "choice": t.choice,
                # The identifiers a case lists are patient data too: the report counts them.
                "expect": t.expect.model_dump(exclude_defaults=True, exclude={"redacted"})
                | ({"redacted": len(t.expect.redacted)} if t.expect.redacted else {}),
                "reply": t.reply,
                "error": t.error,
                "seconds": t.seconds,
                "support": t.support,
                "retrieved": t.retrieved,
            }
            for t in result.turns
        ],
    }


def _groups(cases: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        counts[case[key]][0] += 1
        counts[case[key]][1] += case["passed"]
    return [{"name": name, "cases": n, "passed": ok, "rate": round(ok / n, 4)}
            for name, (n, ok) in sorted(counts.items())]


def write_reports(report: dict[str, Any], folder: Path) -> list[Path]:
    """Write ``report.json``, ``report.md`` and ``report.html`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "report.json", folder / "report.md", folder / "report.html"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    paths[1].write_text(render_markdown(report), encoding="utf-8")
    paths[2].write_text(render_html(report), encoding="utf-8")
    return paths


# --- Markdown -------------------------------------------------------------------------------

_META_ROWS = [
    ("Started", "started"), ("Duration (s)", "seconds"), ("Engine", "engine"),
    ("Embedding model", "embedding_model"), ("Prompt version", "prompt_version"),
    ("Corpus fingerprint", "corpus_fingerprint"), ("Documents", "documents"),
    ("Cases", "cases"), ("Turns", "turns"), ("Workers", "workers"),
]


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _status(metric: dict[str, Any]) -> str:
    return "pass" if metric["passed"] else "FAIL"


def failing_turns(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per failing turn: case, turn index, reasons, message and reply text."""
    rows = []
    for case in report["cases"]:
        by_turn: dict[int, list[str]] = defaultdict(list)
        for failure in case["failures"]:
            by_turn[failure["turn"]].append(f"{failure['metric']}: {failure['reason']}")
        for index, reasons in sorted(by_turn.items()):
            turn = case["turns"][index]
            text = turn["reply"]["text"] if turn["reply"] else f"(no reply) {turn['error']}"
            rows.append({"case": case["id"], "turn": index + 1, "reasons": reasons,
                         "choice": turn["choice"], "message": turn["message"], "reply": text})
    return rows


def _timing_line(report: dict[str, Any]) -> str:
    meta, timing = report["meta"], report["timing"]
    return (f"{meta['cases']} cases in {timing['cases_seconds']:g} s "
            f"({_fmt(timing['per_case_seconds'])} s per case); setup {meta['setup_seconds']:g} s; "
            f"{meta['seconds']:g} s in all.")


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    meta = report["meta"]
    lines = [f"# mentorcoach eval: {'passed' if report['passed'] else 'FAILED'}", "",
             "| | |", "|---|---|"]
    lines += [f"| {label} | {_fmt(meta[key])} |" for label, key in _META_ROWS]
    lines += ["", "## Metrics", "", "| metric | value | threshold | baseline | status |",
              "|---|---|---|---|---|"]
    for m in report["metrics"]:
        bound = ">=" if m["higher_is_better"] else "<="
        lines.append(f"| {m['name']} | {_fmt(m['value'])} | {bound} {_fmt(m['threshold'])} | "
                     f"{_fmt(m['baseline'])} | {_status(m)} |")
    if report["problems"]:
        lines += ["", "## Problems", "", *[f"- {p}" for p in report["problems"]]]
    for key, groups in report["groups"].items():
        lines += ["", f"## Cases passed by {key}", "", f"| {key} | passed | cases | rate |",
                  "|---|---|---|---|"]
        lines += [f"| {g['name']} | {g['passed']} | {g['cases']} | {g['rate']:.0%} |"
                  for g in groups]
    lines += ["", "## Timing", "", _timing_line(report)]
    rows = failing_turns(report)
    lines += ["", f"## Failing cases ({len({r['case'] for r in rows})})"]
    for row in rows:
        setting = f" (setting: {row['choice']})" if row["choice"] else ""
        lines += ["", f"### {row['case']}, turn {row['turn']}", "",
                  *[f"- {reason}" for reason in row["reasons"]], "",
                  f"**Learner{setting}:** {row['message']}", "", "**Reply:**", "", "```text",
                  row["reply"].replace("```", "'''"), "```"]
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;
color:#1f2328;padding:0 1rem}
h1 .ok{color:#1a7f37}h1 .bad{color:#cf222e}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
pre{white-space:pre-wrap;margin:0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
ul{margin:0;padding-left:1.1rem}svg text{font:12px system-ui,sans-serif}
.legend{color:#57606a;font-size:12px}
"""
_BAR_W, _LABEL_W, _ROW_H = 420, 220, 24


_GREEN, _RED, _BLUE = "#2da44e", "#cf222e", "#0969da"
Bar = tuple[str, float | None, float | None, float | None, str, float]


def _bars(rows: list[Bar]) -> str:
    """Horizontal bars: (label, value, threshold, baseline, colour, scale) per row, inline SVG."""
    height = _ROW_H * len(rows) + 8
    parts = [f'<svg width="{_LABEL_W + _BAR_W + 90}" height="{height}" role="img">']
    for i, (label, value, threshold, baseline, colour, scale) in enumerate(rows):
        y = 4 + i * _ROW_H
        x0 = _LABEL_W

        def at(v: float, x0: int = x0, scale: float = scale) -> float:
            return x0 + _BAR_W * min(max(v / scale, 0.0), 1.0)

        width = at(value) - x0 if value is not None else 0
        parts += [
            f'<text x="0" y="{y + 15}">{escape(label)}</text>',
            f'<rect x="{x0}" y="{y + 3}" width="{_BAR_W}" height="16" fill="#eaeef2"/>',
            f'<rect x="{x0}" y="{y + 3}" width="{width:.1f}" height="16" fill="{colour}"/>',
            f'<text x="{x0 + _BAR_W + 8}" y="{y + 15}">{escape(_fmt(value))}</text>',
        ]
        if baseline is not None:
            parts.append(f'<line x1="{at(baseline):.1f}" x2="{at(baseline):.1f}" y1="{y}" '
                         f'y2="{y + 22}" stroke="#57606a" stroke-width="2" '
                         f'stroke-dasharray="3,2"/>')
        if threshold is not None:
            parts.append(f'<line x1="{at(threshold):.1f}" x2="{at(threshold):.1f}" y1="{y}" '
                         f'y2="{y + 22}" stroke="#1f2328" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _metric_chart(metrics: list[dict[str, Any]]) -> str:
    rows: list[Bar] = []
    for m in metrics:
        values = [v for v in (m["value"], m["threshold"], m["baseline"]) if v is not None]
        scale = 1.0 if m["higher_is_better"] else max([1.0, *values])
        colour = _GREEN if m["passed"] else _RED
        rows.append((m["name"], m["value"], m["threshold"], m["baseline"], colour, scale))
    return _bars(rows)


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page."""
    meta = report["meta"]
    verdict = ('<span class="ok">passed</span>' if report["passed"]
               else '<span class="bad">FAILED</span>')
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           "<title>mentorcoach eval report</title>", f"<style>{_CSS}</style></head><body>",
           f"<h1>mentorcoach eval: {verdict}</h1>", "<table>"]
    out += [f"<tr><th>{label}</th><td>{escape(_fmt(meta[key]))}</td></tr>"
            for label, key in _META_ROWS]
    out.append("</table>")
    if report["problems"]:
        out += ["<h2>Problems</h2><ul>",
                *[f"<li>{escape(p)}</li>" for p in report["problems"]], "</ul>"]
    out += ["<h2>Metrics</h2>",
            '<p class="legend">Bar: value. Solid line: threshold. Dashed line: baseline. '
            "Shares run from 0 to 1; counts (lower is better) from 0 up.</p>",
            _metric_chart(report["metrics"]),
            "<table><tr><th>metric</th><th>value</th><th>threshold</th><th>baseline</th>"
            "<th>measured</th><th>status</th><th>what it measures</th></tr>"]
    for m in report["metrics"]:
        bound = "&ge;" if m["higher_is_better"] else "&le;"
        out.append(
            f"<tr><td>{escape(m['name'])}</td><td class=num>{_fmt(m['value'])}</td>"
            f"<td class=num>{bound} {_fmt(m['threshold'])}</td>"
            f"<td class=num>{_fmt(m['baseline'])}</td><td class=num>{m['population']}</td>"
            f'<td class="{_status(m).lower()}">{_status(m)}</td>'
            f"<td>{escape(m['description'])}</td></tr>"
        )
    out.append("</table>")
    for key, groups in report["groups"].items():
        out += [f"<h2>Cases passed by {key}</h2>",
                _bars([(f"{g['name']} ({g['passed']}/{g['cases']})", g["rate"], None, None,
                        _BLUE, 1.0) for g in groups])]
    out.append(f"<h2>Timing</h2><p>{escape(_timing_line(report))}</p>")
    rows = failing_turns(report)
    out += [f"<h2>Failing cases ({len({r['case'] for r in rows})})</h2>",
            "<table><tr><th>case</th><th>turn</th><th>failed checks</th><th>learner</th>"
            "<th>reply</th></tr>"]
    for row in rows:
        setting = f"<br><em>setting: {escape(row['choice'])}</em>" if row["choice"] else ""
        reasons = "".join(f"<li>{escape(r)}</li>" for r in row["reasons"])
        out.append(f"<tr><td>{escape(row['case'])}</td><td class=num>{row['turn']}</td>"
                   f"<td><ul>{reasons}</ul></td><td>{escape(row['message'])}{setting}</td>"
                   f"<td><pre>{escape(row['reply'])}</pre></td></tr>")
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"
