"""Lesson 3 explorer: what "security guarantees" could mean, as issue linkage.

Denuclearization ``d`` is traded for a second issue ``s`` that the US concedes. The article
(FPRI, March 2018) lists what the second issue might be: guarantees, the withdrawal of US troops
from South Korea, a US pull-back from the region, or cuts to the US's own arsenal. Each is a
different second issue with a different price, given here as illustrative parameters.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import models, plots
from ._fast import FastExplorer


class SecondIssue(NamedTuple):
    """An illustrative second issue: what it costs the US and what it is worth to North Korea.

    Both are measured against the value of complete denuclearization to the US (= 1 at the
    default setting), so ``us_cost = 2`` means the full concession costs the US twice what
    complete denuclearization is worth to it. ASSUMPTIONS for teaching, not estimates.
    """

    label: str
    us_cost: float    # b in U_US = a d - b s
    nk_value: float   # e in U_NK = e s - f d
    why: str


#: The second issues of the lesson, with ILLUSTRATIVE parameters (assumptions, not data).
SECOND_ISSUES: dict[str, SecondIssue] = {
    "guarantee": SecondIssue(
        "a written security guarantee", 0.2, 0.6,
        "cheap for the US to give, but worth little to a regime that remembers Iraq and Libya"),
    "troops": SecondIssue(
        "withdrawal of US troops from South Korea", 0.6, 0.8,
        "costly for the alliance with Seoul; valued by North Korea, though the US can strike "
        "without ground troops"),
    "region": SecondIssue(
        "US pull-back from the whole region", 1.2, 1.0,
        "would end US alliances in East Asia: a very high price for the US"),
    "arsenal": SecondIssue(
        "cuts to the US's own nuclear arsenal", 2.0, 1.1,
        "touches the US's global deterrent: higher still"),
}

GRID = np.linspace(0.0, 1.0, 201)


def issues_table() -> str:
    """The second issues and their illustrative prices, as a Markdown table for the lesson."""
    rows = ["| second issue | b: full cost to the US | e: full value to North Korea | why (an assumption) |",
            "|---|---|---|---|"]
    rows += [f"| {i.label} | {i.us_cost:g} | {i.nk_value:g} | {i.why} |" for i in SECOND_ISSUES.values()]
    return "\n".join(rows)


class LinkageView(NamedTuple):
    """What the linkage explorer shows for one second issue."""

    issue: SecondIssue
    deal: models.Linkage
    us_ok: np.ndarray      # [d, s] grid: the US prefers (d, s) to the status quo
    nk_ok: np.ndarray      # the same for North Korea
    full_row: tuple[float, float] | None   # concessions making d = 1 acceptable to both


def linkage_view(issue: SecondIssue, us_value: float, arsenal_value: float) -> LinkageView:
    """Evaluate the linkage model for one second issue on a grid of deals ``(d, s)``."""
    deal = models.issue_linkage(us_value, issue.us_cost, issue.nk_value, arsenal_value)
    s, d = np.meshgrid(GRID, GRID)
    u_us, u_nk = models.linkage_utilities(d, s, us_value, issue.us_cost, issue.nk_value,
                                          arsenal_value)
    us_ok, nk_ok = u_us >= -1e-12, u_nk >= -1e-12
    full = us_ok[-1] & nk_ok[-1]
    full_row = (float(GRID[full][0]), float(GRID[full][-1])) if full.any() else None
    return LinkageView(issue, deal, us_ok, nk_ok, full_row)


class LinkageExplorer(FastExplorer):
    """Pick what "security guarantees" means; see which deals both sides prefer to no deal."""

    title = "Issue linkage: denuclearization for what?"
    plot_caption = ("Map of deals over two linked issues: the share of the second issue against "
                    "the extent of denuclearization, with the deals the US accepts, those North "
                    "Korea accepts, and those both accept shaded.")
    figsize = (7.4, 4.2)

    def make_controls(self) -> dict[str, Any]:
        w = self._w
        style = {"description_width": "16em"}
        layout = w.Layout(width="42em")
        return {
            "issue": w.Dropdown(options=[(v.label, k) for k, v in SECOND_ISSUES.items()],
                                value="troops", description="Second issue on the table",
                                style=style, layout=layout),
            "arsenal_value": w.FloatSlider(value=0.5, min=0.05, max=1.5, step=0.05,
                                           description="f: NK's value of its arsenal",
                                           style=style, layout=layout, readout_format=".2f"),
            "us_value": w.FloatSlider(value=1.0, min=0.25, max=2.0, step=0.05,
                                      description="a: US value of denuclearization",
                                      style=style, layout=layout, readout_format=".2f"),
        }

    def compute(self, issue: str, arsenal_value: float, us_value: float) -> LinkageView:
        return linkage_view(SECOND_ISSUES[issue], us_value, arsenal_value)

    def draw(self, ax, result: LinkageView, values, artists):
        return plots.plot_linkage(ax, GRID, GRID, result.us_ok, result.nk_ok, result.deal,
                                  result.full_row, result.issue.label, artists)

    def describe(self, result: LinkageView, values) -> str:
        issue, deal = result.issue, result.deal
        head = (f"Second issue: {issue.label} (illustrative price to the US b = {issue.us_cost:g}, "
                f"value to North Korea e = {issue.nk_value:g}; NK's arsenal f = "
                f"{values['arsenal_value']:.2f}, US value of denuclearization a = "
                f"{values['us_value']:.2f}).")
        if not deal.gains_exist:
            return (head + " No deal beats the status quo for both: what North Korea would need "
                    "for its arsenal costs the US more than denuclearization is worth to it.")
        text = (head + f" Deals both prefer to the status quo exist; the Nash deal is "
                f"denuclearization d = {deal.denuclearization:.2f} for a concession "
                f"s = {deal.concession:.2f}.")
        if result.full_row is None:
            need = deal.min_concession_for_full
            why = ("more than all of this issue" if need > 1
                   else "more of this issue than the US gains from it")
            return text + (f" Complete denuclearization is in no acceptable deal: North Korea would "
                           f"need s = {need:.2f}, {why}.")
        lo, hi = result.full_row
        return text + (f" Complete denuclearization is acceptable to both for concessions from "
                       f"s = {lo:.2f} to {hi:.2f}.")
