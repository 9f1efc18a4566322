"""axe-core in the browser tests: WCAG 2.0/2.1 A and AA rules (GB/T 37668 follows WCAG 2.0 AA).

axe is vendored from npm (``scripts/build-vendor.mjs`` copies ``axe.min.js`` into ``static/vendor``) and loaded
from the live server as a same-origin script, which the page's strict CSP (``script-src 'self'``) allows.
"""

from __future__ import annotations

from typing import Any

AXE_URL = "/static/vendor/axe-core/axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(page: Any, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict[str, Any]]:
    """Run axe over the current page; its violations (rule id, impact, help and the nodes' targets)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))",
        list(tags),
    )
    return result


def axe_report(url: str, violations: list[dict[str, Any]], limit: int = 8) -> str:
    """A readable list: one line per rule, then the first nodes' selectors and why they fail."""
    lines = []
    for v in violations:
        lines.append(f"{url}: {v['id']} ({v['impact']}, {len(v['nodes'])} elements) — {v['help']}")
        for node in v["nodes"][:limit]:
            why = " ".join((node["summary"] or "").split())[:220]
            lines.append(f"    {node['target']}  {why}")
    return "\n".join(lines)
