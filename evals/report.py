"""The report of a run: ``report.json`` (everything), ``report.md`` and a self-contained
``report.html`` (inline SVG charts, no scripts, nothing fetched)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path
from typing import Any

from evals.agreement import coder_agreement
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
    must_hold = {m.name for m in metrics if m.must_hold}
    cases = [_case(result, failures[result.id]) for result in results]
    breaking = [c for c in cases if any(f["metric"] in must_hold for f in c["failures"])]
    if breaking:
        problems.insert(0, f"{len(breaking)} of {len(cases)} cases fail a check every case "
                           "must pass")
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
        "coder_agreement": coder_agreement(),
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
    """One row per failing turn: case, turn index, reasons, message and reply text.

    Turns that fail a must-hold check (see :attr:`MetricResult.must_hold`) come first.
    """
    must_hold = {m["name"] for m in report["metrics"] if m.get("must_hold")}
    rows = []
    for case in report["cases"]:
        by_turn: dict[int, list[str]] = defaultdict(list)
        breaking: set[int] = set()
        for failure in case["failures"]:
            by_turn[failure["turn"]].append(f"{failure['metric']}: {failure['reason']}")
            if failure["metric"] in must_hold:
                breaking.add(failure["turn"])
        for index, reasons in sorted(by_turn.items()):
            turn = case["turns"][index]
            text = turn["reply"]["text"] if turn["reply"] else f"(no reply) {turn['error']}"
            rows.append({"case": case["id"], "turn": index + 1, "reasons": reasons,
                         "must_hold": index in breaking, "choice": turn["choice"],
                         "message": turn["message"], "reply": text})
    return sorted(rows, key=lambda row: not row["must_hold"])


def baseline_comparison(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each metric now and in the baseline: the change, and whether it is better or worse."""
    regressed = {p.split(" dropped from ", 1)[0] for p in report["problems"]
                 if " dropped from " in p}
    rows = []
    for m in report["metrics"]:
        value, base = m["value"], m["baseline"]
        change = None if value is None or base is None else round(value - base, 4)
        if change is None:
            verdict = "not recorded" if base is None else "not measured"
        elif m["name"] in regressed:
            verdict = "regressed"
        elif change == 0:
            verdict = "same"
        else:
            verdict = "better" if (change > 0) == m["higher_is_better"] else "worse"
        rows.append({"metric": m["name"], "value": value, "baseline": base, "change": change,
                     "verdict": verdict})
    return rows


def agreement_rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Per labelled part: (part, utterances, accuracy, kappa) of the behaviour coder."""
    return [(part, str(a["utterances"]), f"{a['accuracy']:.3f}", f"{a['kappa']:.3f}")
            for part, a in report.get("coder_agreement", {}).items()]


def _per_code(report: dict[str, Any]) -> list[list[str]]:
    parts = report.get("coder_agreement", {})
    codes = [row["code"] for row in next(iter(parts.values()), {"per_code": []})["per_code"]]
    table = []
    for index, name in enumerate(codes):
        row = [name]
        for part in parts.values():
            entry = part["per_code"][index]
            row.append(f"{_fmt(entry['recall'])} / {_fmt(entry['precision'])} "
                       f"(n={entry['labelled']})")
        table.append(row)
    return table


def _timing_line(report: dict[str, Any]) -> str:
    meta, timing = report["meta"], report["timing"]
    return (f"{meta['cases']} cases in {timing['cases_seconds']:g} s "
            f"({_fmt(timing['per_case_seconds'])} s per case); setup {meta['setup_seconds']:g} s; "
            f"{meta['seconds']:g} s in all.")


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: the verdict, what failed and the failing cases first."""
    meta = report["meta"]
    lines = [f"# mentorcoach eval: {'passed' if report['passed'] else 'FAILED'}"]
    if report["problems"]:
        lines += ["", "## Problems", "", *[f"- {p}" for p in report["problems"]]]
    rows = failing_turns(report)
    lines += ["", f"## Failing cases ({len({r['case'] for r in rows})})"]
    for row in rows:
        setting = f" (setting: {row['choice']})" if row["choice"] else ""
        must = " (must pass)" if row["must_hold"] else ""
        lines += ["", f"### {row['case']}, turn {row['turn']}{must}", "",
                  *[f"- {reason}" for reason in row["reasons"]], "",
                  f"**Learner{setting}:** {row['message']}", "", "**Reply:**", "", "```text",
                  row["reply"].replace("```", "'''"), "```"]
    lines += ["", "## Run", "", "| | |", "|---|---|"]
    lines += [f"| {label} | {_fmt(meta[key])} |" for label, key in _META_ROWS]
    lines += ["", "## Metrics", "", "| metric | value | threshold | baseline | status |",
              "|---|---|---|---|---|"]
    for m in report["metrics"]:
        bound = ">=" if m["higher_is_better"] else "<="
        lines.append(f"| {m['name']} | {_fmt(m['value'])} | {bound} {_fmt(m['threshold'])} | "
                     f"{_fmt(m['baseline'])} | {_status(m)} |")
    if report.get("coder_agreement"):
        parts = list(report["coder_agreement"])
        lines += ["", "## Behaviour coder agreement with hand labels", "",
                  "| part | utterances | accuracy | Cohen's kappa |", "|---|---|---|---|"]
        lines += [f"| {p} | {n} | {a} | {k} |" for p, n, a, k in agreement_rows(report)]
        lines += ["", "Per code, recall / precision (labelled):", "",
                  "| code | " + " | ".join(parts) + " |", "|---" * (len(parts) + 1) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in _per_code(report)]
    for key, groups in report["groups"].items():
        lines += ["", f"## Cases passed by {key}", "", f"| {key} | passed | cases | rate |",
                  "|---|---|---|---|"]
        lines += [f"| {g['name']} | {g['passed']} | {g['cases']} | {g['rate']:.0%} |"
                  for g in groups]
    lines += ["", "## Timing", "", _timing_line(report)]
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
    """The report as one self-contained HTML page: verdict, problems and failing cases first."""
    meta = report["meta"]
    verdict = ('<span class="ok">passed</span>' if report["passed"]
               else '<span class="bad">FAILED</span>')
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           "<title>mentorcoach eval report</title>", f"<style>{_CSS}</style></head><body>",
           f"<h1>mentorcoach eval: {verdict}</h1>"]
    if report["problems"]:
        out += ["<h2>Problems</h2><ul>",
                *[f"<li>{escape(p)}</li>" for p in report["problems"]], "</ul>"]
    out.append(failing_table(report))
    out += ["<h2>Metrics</h2>", metrics_section(report),
            "<h2>Compared with the baseline</h2>", comparison_table(report)]
    if report.get("coder_agreement"):
        out += ["<h2>Behaviour coder agreement with hand labels</h2>", agreement_table(report)]
    for key, groups in report["groups"].items():
        out += [f"<h2>Cases passed by {key}</h2>",
                _bars([(f"{g['name']} ({g['passed']}/{g['cases']})", g["rate"], None, None,
                        _BLUE, 1.0) for g in groups])]
    out.append(f"<h2>Timing</h2><p>{escape(_timing_line(report))}</p>")
    out += ["<h2>Run</h2><table>"]
    out += [f"<tr><th>{label}</th><td>{escape(_fmt(meta[key]))}</td></tr>"
            for label, key in _META_ROWS]
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


def metrics_section(report: dict[str, Any]) -> str:
    """The metric chart and table, as HTML (also shown in the web app's Evals tab)."""
    out = ['<p class="legend">Bar: value. Solid line: threshold. Dashed line: baseline. '
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
    return "\n".join(out)


def agreement_table(report: dict[str, Any]) -> str:
    """The coder's agreement with the hand labels on each part, overall and per code."""
    parts = list(report.get("coder_agreement", {}))
    out = ["<table><tr><th>part</th><th>utterances</th><th>accuracy</th>"
           "<th>Cohen's kappa</th></tr>"]
    out += [f"<tr><td>{escape(p)}</td><td class=num>{n}</td><td class=num>{a}</td>"
            f"<td class=num>{k}</td></tr>" for p, n, a, k in agreement_rows(report)]
    out += ["</table>", "<table><tr><th>code</th>"
            + "".join(f"<th>{escape(p)}: recall / precision</th>" for p in parts) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
            for row in _per_code(report)]
    out.append("</table>")
    return "\n".join(out)


def comparison_table(report: dict[str, Any]) -> str:
    """Each metric against its baseline value, as HTML."""
    rows = baseline_comparison(report)
    if not any(r["baseline"] is not None for r in rows):
        return "<p>No baseline for this engine: regressions not checked.</p>"
    out = ["<table><tr><th>metric</th><th>now</th><th>baseline</th><th>change</th>"
           "<th>verdict</th></tr>"]
    out += [f"<tr><td>{escape(r['metric'])}</td><td class=num>{_fmt(r['value'])}</td>"
            f"<td class=num>{_fmt(r['baseline'])}</td><td class=num>{_fmt(r['change'])}</td>"
            f'<td class="{"fail" if r["verdict"] in ("regressed", "worse") else ""}">'
            f"{r['verdict']}</td></tr>" for r in rows]
    out.append("</table>")
    return "\n".join(out)


def failing_table(report: dict[str, Any], limit: int | None = None) -> str:
    """The failing turns with the learner's message, the reply and why, as HTML."""
    rows = failing_turns(report)
    shown = rows if limit is None else rows[:limit]
    out = [f"<h2>Failing cases ({len({r['case'] for r in rows})})</h2>",
           "<table><tr><th>case</th><th>turn</th><th>failed checks</th><th>learner</th>"
           "<th>reply</th></tr>"]
    for row in shown:
        setting = f"<br><em>setting: {escape(row['choice'])}</em>" if row["choice"] else ""
        must = "<br><strong>must pass</strong>" if row["must_hold"] else ""
        reasons = "".join(f"<li>{escape(r)}</li>" for r in row["reasons"])
        out.append(f"<tr><td>{escape(row['case'])}{must}</td><td class=num>{row['turn']}</td>"
                   f"<td><ul>{reasons}</ul></td><td>{escape(row['message'])}{setting}</td>"
                   f"<td><pre>{escape(row['reply'])}</pre></td></tr>")
    out.append("</table>")
    if limit is not None and len(rows) > limit:
        out.append(f"<p>... and {len(rows) - limit} more failing turns in report.html.</p>")
    return "\n".join(out)
