"""The lesson 1-4 explorers, driven headless as a student would drive them: every control is
swept, and the state, the readout and the rendered plot must follow the model (or the data)."""

from __future__ import annotations

import sys

import ipywidgets as w
import numpy as np
import pytest

from course_utils import data, models
from course_utils.explorers import (
    CrisisExplorer,
    LinkageExplorer,
    NegotiationGame,
    RangeExplorer,
    RiskReturnExplorer,
)
from course_utils.explorers.bargaining_range import DEAL_OPTIONS
from course_utils.explorers.linkage import SECOND_ISSUES

KEYBOARD_CONTROLS = (w.FloatSlider, w.IntSlider, w.Dropdown, w.ToggleButtons, w.Checkbox)


@pytest.fixture
def make():
    """Build explorers and close their widgets afterwards."""
    made = []

    def _make(cls, **kwargs):
        ex = cls(**kwargs)
        made.append(ex)
        return ex

    yield _make
    for ex in made:
        ex.close()


def _sweep_pngs(ex, name, values):
    """Set one control to each value; return the PNGs rendered."""
    pngs = []
    for v in values:
        ex.set(**{name: v})
        png = ex.png()
        assert png.startswith(b"\x89PNG"), "the figure must render as PNG"
        pngs.append(png)
    return pngs


# ---------------------------------------------------------------------------- every explorer
@pytest.mark.parametrize("cls", [CrisisExplorer, RangeExplorer, LinkageExplorer,
                                 RiskReturnExplorer, NegotiationGame])
def test_widget_is_keyboard_operable_and_has_a_live_readout(make, cls):
    ex = make(cls)
    for name, control in ex.controls.items():
        parts = getattr(control, "boxes", [control])  # a checkbox group is several checkboxes
        assert all(isinstance(p, KEYBOARD_CONTROLS) for p in parts), \
            f"{name} is not made of focusable standard controls"
        assert control.description, f"{name} has no visible label"
    box = ex.widget
    assert ex.image in box.children and ex.readout in box.children
    assert ex.summary and ex.summary in ex.readout.value.replace("&#x27;", "'")
    # the browser side (tests/browser/test_axe.py) checks that the helper applies these
    assert ex.a11y in box.children and "course-readout-box" in ex.readout._dom_classes
    assert ex.a11y.alt == ex.alt_text and ex.alt_text.endswith(ex.summary)
    assert set(ex.a11y.names.values()) == {c.description for c in ex.controls.values()}
    assert ex.title in ex._repr_mimebundle_()["text/plain"]
    name, control = next(iter(ex.controls.items()))
    options = getattr(control, "options", None)
    last = None if options is None else (options[-1][1] if isinstance(options[-1], tuple) else options[-1])
    ex.set(**{name: control.min if options is None else
              ((last,) if getattr(control, "multiple", False) else last)})
    assert ex.image.value == ex.png(), "the widget must show the picture of the current state"


@pytest.mark.parametrize("cls", [CrisisExplorer, RangeExplorer, LinkageExplorer,
                                 RiskReturnExplorer, NegotiationGame])
def test_bad_control_values_are_refused_with_a_clear_message(make, cls):
    ex = make(cls)
    with pytest.raises(ValueError, match="has no control 'nonsense'"):
        ex.set(nonsense=1)
    slider = next(n for n, c in ex.controls.items() if isinstance(c, (w.FloatSlider, w.IntSlider)))
    with pytest.raises(ValueError, match=f"{slider} must lie in"):
        ex.set(**{slider: ex.controls[slider].max + 10})


# ---------------------------------------------------------------------------- lesson 1
def test_crisis_counts_follow_the_cns_table(make):
    ex = make(CrisisExplorer)
    for start, end in [(2016, 2018), (1984, 2026), (2017, 2017), (2019, 2022)]:
        ex.set(start_year=start, end_year=end)
        view = ex.state["result"]
        expected = data.launches_per_year(start_year=start, end_year=end).total().sum()
        assert view.total == expected
        assert f"{expected} missiles (all classes)" in ex.summary
        tests = [t for t in data.load_nuclear_tests() if start <= t.date.year <= end]
        assert view.nuclear_tests == tuple(tests)
        assert len(ex.event_lines()) == len(view.events)
        assert all(start <= e.date.year <= end for _n, e in view.events)
    ex.set(start_year=2016, end_year=2018)
    assert "Busiest year: 2016 with 24" in ex.summary
    assert "4,475 km (Hwasong-15" in ex.summary


def test_crisis_timeline_numbers_show_only_inside_a_short_window(make):
    ex = make(CrisisExplorer, start_year=2016, end_year=2018)
    texts = ex._timeline
    shown = [t for t in texts if t.get_visible()]
    assert shown and all(2015.9 <= t.get_position()[0] <= 2019.1 for t in shown)
    assert len(shown) < len(texts)  # events and tests outside 2016-2018 are hidden
    ex.set(start_year=1984, end_year=2026)  # over 12 years: the numbers would pile up
    assert not any(t.get_visible() for t in texts)


def test_crisis_class_filter_and_reversed_window(make):
    ex = make(CrisisExplorer, start_year=2017, end_year=2024)
    all_png = ex.png()
    ex.set(classes=("ICBM",))
    icbm = [l for l in data.load_launches() if l.missile_class == "ICBM" and 2017 <= l.date.year <= 2024]
    assert ex.state["result"].total == len(icbm)
    assert "(ICBM)" in ex.summary
    assert ex.png() != all_png, "deselecting classes must change the bars"
    ex.set(start_year=2024, end_year=2017)   # reversed: read as the same window
    assert ex.state["result"].total == len(icbm)
    ex.set(classes=())
    assert "No missile class is selected" in ex.summary
    ex.set(classes=tuple(data.MISSILE_CLASSES), start_year=1984, end_year=1990)
    assert "No nuclear test in this window" in ex.summary


def test_crisis_refuses_unknown_classes(make):
    ex = make(CrisisExplorer)
    with pytest.raises(ValueError, match=r"classes must be a tuple of options among \[.SRBM."):
        ex.set(classes=("ICBM", "Scud"))
    with pytest.raises(ValueError, match="got 'ICBM'"):
        ex.set(classes="ICBM")


def test_crisis_window_changes_the_plot(make):
    ex = make(CrisisExplorer)
    pngs = _sweep_pngs(ex, "start_year", [2010, 2014, 2016])
    assert len(set(pngs)) == 3


# ---------------------------------------------------------------------------- lesson 2
@pytest.mark.parametrize("p,cost_us,cost_nk", [(0.5, 0.1, 0.1), (0.2, 0.3, 0.05), (0.9, 0.05, 0.3)])
def test_range_follows_the_model(make, p, cost_us, cost_nk):
    ex = make(RangeExplorer)
    ex.set(p=p, cost_us=cost_us, cost_nk=cost_nk)
    expected = models.bargaining_range(p, cost_us, cost_nk)
    view = ex.state["result"]
    assert view.range == expected
    assert f"from {expected.low:.2f} to {expected.high:.2f}" in ex.summary
    assert view.war == pytest.approx((p - cost_us, 1 - p - cost_nk))  # Fearon's war payoffs
    # the width is the two costs added only while the range is not cut off at 0 or 1
    clipped = float(expected.width) < cost_us + cost_nk - 1e-9
    assert (f"{float(expected.width):.2f} wide, less than the two costs" in ex.summary) == clipped
    for label, options in DEAL_OPTIONS.items():
        ex.set(deals=label)
        view = ex.state["result"]
        if options is None:
            assert view.deals is None and view.deal_possible
        else:
            deals = models.indivisible_deals(p, cost_us, cost_nk, options)
            assert view.deals == deals
            assert view.deal_possible == bool(deals)
            assert ("none lies inside the range" in ex.summary) == (not deals)


def test_range_plot_follows_each_control(make):
    ex = make(RangeExplorer)
    for name, values in [("p", [0.3, 0.6]), ("cost_us", [0.0, 0.4]), ("cost_nk", [0.05, 0.3]),
                         ("deals", list(DEAL_OPTIONS))]:
        pngs = _sweep_pngs(ex, name, values)
        assert len(set(pngs)) == len(values), f"moving {name} must redraw the plot"


# ---------------------------------------------------------------------------- lesson 3
@pytest.mark.parametrize("issue", list(SECOND_ISSUES))
def test_linkage_follows_the_model(make, issue):
    ex = make(LinkageExplorer, issue=issue)
    price = SECOND_ISSUES[issue]
    pngs = []
    for f in (0.3, 0.8, 1.4):
        ex.set(arsenal_value=f)
        view = ex.state["result"]
        expected = models.issue_linkage(1.0, price.us_cost, price.nk_value, f)
        assert view.deal == expected
        assert ("No deal beats the status quo" in ex.summary) == (not expected.gains_exist)
        if expected.gains_exist:
            assert f"d = {expected.denuclearization:.2f}" in ex.summary
            assert (view.full_row is not None) == expected.full_denuclearization_possible
            if view.full_row is not None:
                lo, _hi = view.full_row
                assert lo == pytest.approx(expected.min_concession_for_full, abs=0.005)
        # the grid says the same as the utilities at a deal on it
        u_us, u_nk = models.linkage_utilities(1.0, 0.5, 1.0, price.us_cost, price.nk_value, f)
        assert view.us_ok[-1, 100] == (u_us >= 0) and view.nk_ok[-1, 100] == (u_nk >= 0)
        pngs.append(ex.png())
    assert len(set(pngs)) == 3


def test_linkage_us_value_moves_the_deal(make):
    ex = make(LinkageExplorer, issue="region", arsenal_value=0.8)
    pngs = []
    for a in (0.5, 1.0, 2.0):
        ex.set(us_value=a)
        price = SECOND_ISSUES["region"]
        assert ex.state["result"].deal == models.issue_linkage(a, price.us_cost, price.nk_value, 0.8)
        assert f"a = {a:.2f}" in ex.summary
        pngs.append(ex.png())
    assert len(set(pngs)) == 3


def test_linkage_article_ordering_of_demands(make):
    """At f = 0.8: the guarantee is too weak for full denuclearization, troops and the region
    can buy it, and arsenal cuts leave no deal at all (the lesson's story)."""
    ex = make(LinkageExplorer, arsenal_value=0.8)
    outcome = {}
    for issue in SECOND_ISSUES:
        ex.set(issue=issue)
        deal = ex.state["result"].deal
        outcome[issue] = (deal.gains_exist, deal.gains_exist and deal.full_denuclearization_possible)
    assert outcome == {"guarantee": (True, False), "troops": (True, True),
                       "region": (True, True), "arsenal": (False, False)}


# ---------------------------------------------------------------------------- lesson 4
def test_risk_return_follows_the_model(make):
    ex = make(RiskReturnExplorer)
    pngs = []
    for demand in (0.5, 0.7, 0.9):
        for cbar in (0.3, 0.8):
            ex.set(demand=demand, cost_nk_max=cbar)
            view = ex.state["result"]
            chosen = models.offer_outcome(demand, 0.5, 0.1, cbar)
            best = models.risk_return_offer(0.5, 0.1, cbar)
            assert view.chosen == chosen and view.best == best
            assert f"probability {chosen.p_war:.0%}" in ex.summary
            assert f"x* = {best.demand:.2f}" in ex.summary
            pngs.append(ex.png())
    assert len(set(pngs)) == len(pngs)
    ex.set(demand=0.7, cost_nk_max=0.5)
    assert "You are at the best demand" in ex.summary
    for name, values in [("p", [0.2, 0.8]), ("cost_us", [0.0, 0.4])]:
        pngs = _sweep_pngs(ex, name, values)
        assert len(set(pngs)) == 2, f"moving {name} must redraw the plot"
        v = ex.values
        assert ex.state["result"].best == models.risk_return_offer(v["p"], v["cost_us"], v["cost_nk_max"])


def test_negotiation_game_rounds_follow_the_hidden_type(make):
    game = make(NegotiationGame, seed=11, rounds=4)
    demands = [0.55, 0.7, 0.85, 0.6]
    before = game.png()
    for i, demand in enumerate(demands):
        game.set(demand=demand)
        preview = game.state["result"].preview
        assert preview == models.offer_outcome(demand, 0.5, 0.1, 0.5)
        assert f"Round {i + 1} of 4" in game.summary and f"{preview.p_war:.0%}" in game.summary
        rnd = game.commit()
        # North Korea refuses exactly when its (revealed) cost of war is below x - p
        assert (rnd.outcome == "breakdown") == (rnd.nk_cost < demand - 0.5)
        assert rnd.payoff == pytest.approx(0.4 if rnd.outcome == "breakdown" else demand)
        best_breaks = rnd.nk_cost < game.best.demand - 0.5
        assert rnd.best_payoff == pytest.approx(0.4 if best_breaks else game.best.demand)
    assert game.png() != before, "the score panel must show the rounds played"
    you = sum(r.payoff for r in game.rounds)
    assert f"Score after 4 rounds: {you:.2f}" in game.summary and "Game over" in game.summary
    assert game.button.disabled
    with pytest.raises(ValueError, match="game is over"):
        game.commit()


def test_negotiation_game_is_reproducible_and_resettable(make):
    a, b = make(NegotiationGame, seed=5), make(NegotiationGame, seed=5)
    for g in (a, b):
        for d in (0.6, 0.8, 0.7):
            g.set(demand=d)
            g.commit()
    assert a.rounds == b.rounds
    a.reset()
    assert a.rounds == [] and not a.button.disabled and "No offer made yet" in a.summary
    with pytest.raises(ValueError, match="rounds must be at least 1"):
        NegotiationGame(rounds=0)
    with pytest.raises(ValueError, match="cost_b_max"):
        NegotiationGame(cost_nk_max=0.0)


def test_no_pyplot_figure_is_left_open(make):
    for cls in (CrisisExplorer, RangeExplorer, LinkageExplorer, RiskReturnExplorer, NegotiationGame):
        make(cls).png()
    if "matplotlib.pyplot" in sys.modules:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == []


# ---------------------------------------------------------------------------- lesson questions
def _question(lesson: str, key: str):
    from course_utils.checks import get_question

    return get_question(lesson, key)


def _correct_text(lesson: str, key: str) -> str:
    q = _question(lesson, key)
    return q.options[q.correct]


def test_lesson01_answers_agree_with_the_data():
    counts = data.launches_per_year(start_year=2016, end_year=2017)
    n2016, n2017 = (int(t) for t in counts.total())
    assert f"{n2016} missiles launched in 2016 and {n2017} in 2017" in _question(
        "lesson01", "launches_2017").explanation
    assert n2017 < n2016  # the prediction's point: fewer launches, not more
    icbm_2017 = counts.for_year(2017)["ICBM"]
    biggest = max(t.magnitude_mb for t in data.load_nuclear_tests())
    assert _correct_text("lesson01", "what_changed") == (
        f"The first ICBM tests (three, CNS) and the largest nuclear test (USGS mb {biggest}).")
    assert icbm_2017 == 3 and data.launches_per_year(["ICBM"], end_year=2016).total().sum() == 0


def test_lesson02_answers_agree_with_the_models():
    assert _correct_text("lesson02", "width") == f"{models.bargaining_range(0.5, 0.1, 0.15).width:.2f}"
    assert models.indivisible_deals(0.5, 0.1, 0.1) == ()
    assert _correct_text("lesson02", "indivisible").startswith("Neither")


def test_lesson03_answers_agree_with_the_models():
    no_deal = [i.label for i in SECOND_ISSUES.values()
               if not models.issue_linkage(1.0, i.us_cost, i.nk_value, 0.8).gains_exist]
    assert [_correct_text("lesson03", "no_deal")] == no_deal
    guarantee = models.issue_linkage(1.0, SECOND_ISSUES["guarantee"].us_cost,
                                     SECOND_ISSUES["guarantee"].nk_value, 0.8)
    assert not guarantee.full_denuclearization_possible
    assert f"f / e = {guarantee.min_concession_for_full:.2f} > 1" in _correct_text("lesson03", "guarantee_short")


def test_lesson05_answers_agree_with_the_models():
    best = models.risk_return_offer(0.5, 0.1, 0.5)
    explanation = _question("lesson05", "best_demand").explanation
    assert f"= {best.demand:.1f}" in explanation and f"{best.p_war:.0%}" in explanation
    assert f"{best.expected_utility:.2f}" in explanation
    wider = models.risk_return_offer(0.5, 0.1, 0.8)
    assert _correct_text("lesson05", "more_uncertainty") == (
        f"It rises, to {wider.demand:.2f}, and the risk of breakdown rises a little "
        f"(to about {wider.p_war:.0%}).")


# ---------------------------------------------------------------------------- fast redraws
def _pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


@pytest.mark.parametrize("cls,moves", [
    (CrisisExplorer, [{"start_year": 2010}, {"classes": ("ICBM", "IRBM")}, {"end_year": 2024}]),
    (RangeExplorer, [{"p": 0.3}, {"deals": "three steps (0, freeze 0.5, 1)"}, {"cost_nk": 0.3}]),
    (LinkageExplorer, [{"issue": "guarantee"}, {"arsenal_value": 1.2}, {"us_value": 1.5}]),
    (RiskReturnExplorer, [{"demand": 0.9}, {"p": 0.05, "cost_us": 0.5}, {"cost_nk_max": 0.9}]),
    (NegotiationGame, [{"demand": 0.8}, {"demand": 0.55}]),
])
def test_widget_picture_matches_a_full_draw(make, cls, moves):
    """What the widget shows (kept background + redrawn artists) is the figure a full
    ``savefig`` draws: nothing stale left behind, nothing missing."""
    import io

    ex = make(cls)
    for move in moves:
        ex.set(**move)
        if isinstance(ex, NegotiationGame):
            ex.commit()
    buf = io.BytesIO()
    ex.figure.savefig(buf, format="png")
    fast, full = _pixels(ex.image.value), _pixels(buf.getvalue())
    assert fast.shape == full.shape
    differs = np.abs(fast - full).max(axis=2) > 60
    # drawing order may differ slightly (redrawn artists come last); a stale label is ~0.2%
    assert differs.mean() < 0.0015, f"{differs.mean():.3%} of pixels differ from a full draw"


def test_ticking_missile_classes_redraws_once(make):
    """A new set of classes, or one box ticked, redraws the plot once (no echo between boxes)."""
    ex = make(CrisisExplorer)
    redraws = []
    real_update = ex.update
    ex.update = lambda: (redraws.append(1), real_update())
    ex.set(classes=("IRBM", "ICBM"))
    assert len(redraws) == 1
    assert [b.value for b in ex.controls["classes"].boxes] == [c in ("IRBM", "ICBM") for c in data.MISSILE_CLASSES]
    ex.controls["classes"].boxes[0].value = True  # a student ticks SRBM
    assert len(redraws) == 2 and ex.values["classes"] == ("SRBM", "IRBM", "ICBM")
