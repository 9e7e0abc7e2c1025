"""Lesson 4's tools: the models (``course_utils.models.games``), their explorers, the "your turn"
checks and number questions (``course_utils.checks``), and the lesson's answers.

2x2 equilibria are cross-checked against Nashpy's support enumeration; backward induction on
the escalation game against the conditions derived by hand in the lesson.
"""

from __future__ import annotations

import html
import itertools

import ipywidgets as w
import nashpy
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from course_utils import checks
from course_utils.explorers.horizon import HorizonExplorer
from course_utils.explorers.strength import OutsideOptionExplorer
from course_utils.explorers.tools import (
    BayesExplorer,
    DiscountExplorer,
    InspectionExplorer,
    MediatorExplorer,
    TreeExplorer,
)
from course_utils.models import bargaining_range, games
from course_utils.models.signaling import audience_cost_credible

fast = settings(max_examples=60, deadline=None)
whole = st.integers(-9, 9)
table = st.tuples(st.tuples(whole, whole), st.tuples(whole, whole))


# =========================================================================== 2x2 games
def _nashpy(row, col):
    return [(float(r[0]), float(c[0]))
            for r, c in nashpy.Game(np.array(row), np.array(col)).support_enumeration()]


@fast
@given(table, table)
def test_pure_and_mixed_equilibria_match_nashpy(row, col):
    # generic games only (no player ever indifferent between two pure replies): there Nashpy's
    # support enumeration lists every equilibrium exactly
    assume(all(row[0][j] != row[1][j] and col[i][0] != col[i][1] for i in range(2) for j in range(2)))
    found = sorted(_nashpy(row, col))
    ours = [(1.0 - i, 1.0 - j) for i, j in games.pure_equilibria(row, col)]
    mixed = games.mixed_equilibrium(row, col)
    if mixed is not None:
        ours.append((mixed.row, mixed.col))
    ours.sort()
    assert len(ours) == len(found)
    for mine, theirs in zip(ours, found, strict=True):
        assert mine == pytest.approx(theirs, abs=1e-9)


@fast
@given(table, table)
def test_a_mixed_equilibrium_leaves_each_side_indifferent(row, col):
    mixed = games.mixed_equilibrium(row, col)
    if mixed is None:
        return
    first, second = games.expected_payoffs(row, mixed.col, "row")
    assert first == pytest.approx(second, abs=1e-9)
    first, second = games.expected_payoffs(col, mixed.row, "col")
    assert first == pytest.approx(second, abs=1e-9)


@fast
@given(st.floats(0.1, 5), st.floats(0.1, 5), st.floats(0.05, 0.95), st.floats(0.1, 5))
def test_inspection_mixes_are_set_by_the_other_sides_payoffs(gain, penalty, ratio, damage):
    cost = ratio * damage
    m = games.mixed_equilibrium(*games.inspection_game(gain, penalty, cost, damage))
    assert m is not None
    assert m.row == pytest.approx(cost / damage)        # North Korea's cheating: the US's payoffs
    assert m.col == pytest.approx(gain / (gain + penalty))  # the US's inspecting: North Korea's
    harsher = games.mixed_equilibrium(*games.inspection_game(gain, 2 * penalty, cost, damage))
    assert harsher.row == pytest.approx(m.row) and harsher.col < m.col
    assert games.pure_equilibria(*games.inspection_game(gain, penalty, cost, damage)) == ()


def test_known_games():
    assert games.pure_equilibria([[3, 0], [5, 1]], [[3, 5], [0, 1]]) == ((1, 1),)
    assert games.mixed_equilibrium([[3, 0], [5, 1]], [[3, 5], [0, 1]]) is None
    chicken = ([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
    assert games.pure_equilibria(*chicken) == ((0, 1), (1, 0))
    assert games.mixed_equilibrium(*chicken) == (0.9, 0.9)  # dare 0.1 = 1/(1 + 9), docs/models.md
    assert games.best_response([[3, 0], [5, 1]], np.array([0.0, 1.0])).tolist() == [0.0, 0.0]
    assert games.best_response([[0, -1], [1, -10]], 0.9) == 0.5  # indifferent at the mix


@pytest.mark.parametrize(("call", "message"), [
    (lambda: games.pure_equilibria([[1, 2, 3]], [[1, 2], [3, 4]]), "row must be a 2x2 table"),
    (lambda: games.expected_payoffs([[1, 2], [3, 4]], 1.5), r"other_first must lie in \[0, 1\]"),
    (lambda: games.expected_payoffs([[1, 2], [3, 4]], 0.5, "both"), "player must be 'row' or 'col'"),
    (lambda: games.inspection_game(1, 1, 2, 1), r"cost must lie in \(0, 1\)"),
    (lambda: games.bayes_posterior(0.5, 0, 0), "probability 0 under the prior"),
    (lambda: games.bayes_posterior(1.2, 0.5, 0.5), r"prior must lie in \[0, 1\]"),
    (lambda: games.present_value(1, 1.0), r"delta must lie in \(0, 1\)"),
    (lambda: games.escalation_game(0.2, -1, 1, 0), "war_cost_us"),
])
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# =========================================================================== game trees
@fast
@given(st.floats(0, 1), st.floats(0, 2), st.floats(0, 2), st.floats(0, 1))
def test_escalation_solved_backward_matches_the_conditions_by_hand(v, c_us, c_nk, a):
    """Solved by hand, from the end: the US fights iff v − c_US ≥ −a (audience_cost_credible).
    A bluff is called: the US concedes at once. Against a credible threat North Korea backs
    down if war (−c_NK) is worse than backing down (−0.5), and then the US threatens (v > 0);
    if it would stand firm, the US threatens only if war beats conceding (v − c_US > 0). Either
    way a credible threat that the US makes leaves North Korea worse off than keeping quiet."""
    assume(min(abs(v - c_us + a), abs(c_nk - 0.5), abs(v - c_us), v, a, c_nk) > 1e-6)
    sol = games.backward_induction(games.escalation_game(v, c_us, c_nk, a))
    fights = audience_cost_credible(v, c_us, a)
    assert (sol.choices["US: fight or back down?"] == "fight") == fights
    if not fights:
        expected = "concede"          # a bluff: the US concedes at once, North Korea challenges
    elif c_nk > 0.5:
        expected = "quiet"            # it would back down, so it does not challenge
    else:
        expected = "quiet" if v - c_us > 0 else "concede"  # war would follow: not worth it
    assert sol.outcome == expected


def test_backward_induction_solves_every_node_deepest_first():
    sol = games.backward_induction(games.escalation_game(0.2, 0.5, 1.0, 0.1))
    assert [s.node for s in sol.steps] == ["US: fight or back down?", "NK: back down or stand firm?",
                                           "US: concede or threaten?", "NK: keep quiet or challenge?"]
    assert sol.path == ("challenge", "concede") and sol.payoffs == (0.0, 1.0)
    assert sol.choices["US: fight or back down?"] == "back down"  # off the path, still chosen
    credible = games.backward_induction(games.escalation_game(0.2, 0.5, 1.0, 0.4))
    assert credible.outcome == "quiet" and credible.choices["US: fight or back down?"] == "fight"


def test_tree_errors():
    twin = games.Node("A", 0, {"l": games.Node("A", 1, {"x": games.Leaf("e", (0, 0))})})
    with pytest.raises(ValueError, match="two nodes are named 'A'"):
        games.backward_induction(twin)
    with pytest.raises(ValueError, match="has no moves"):
        games.backward_induction(games.Node("B", 0, {}))


@fast
@given(st.floats(0, 1), st.floats(0, 1))
def test_ultimatum_offer_leaves_the_receiver_its_war_payoff(p, c_nk):
    x = games.ultimatum_offer(p, c_nk)
    assert x == pytest.approx(bargaining_range(p, 0, c_nk).high)
    assert 1 - x == pytest.approx(max(1 - p - c_nk, 0.0), abs=1e-12)
    # a grid search over offers the receiver accepts finds the same best offer
    grid = np.linspace(0, 1, 100_001)
    accepted = grid[1 - grid >= 1 - p - c_nk - 1e-12]
    assert accepted.max() == pytest.approx(x, abs=1e-5)


# =========================================================================== beliefs and time
@fast
@given(st.floats(0.001, 0.999), st.floats(0.01, 1), st.floats(0.01, 1))
def test_bayes_counts_cases(prior, la, lb):
    post = games.bayes_posterior(prior, la, lb)
    assert post == pytest.approx(prior * la / (prior * la + (1 - prior) * lb))
    assert games.bayes_posterior(prior, 0.6, 0.6) == pytest.approx(prior)  # pooling: no news
    if 0 < prior < 1:
        assert (post > prior) == (la > lb + 1e-12) or abs(la - lb) < 1e-9


def test_present_value_is_the_geometric_series():
    for delta in (0.5, 0.8, 0.9, 0.95):
        assert games.present_value(1, delta) == pytest.approx(sum(delta ** t for t in range(2000)))
        assert games.present_value(1, delta, 10) == pytest.approx(sum(delta ** t for t in range(10)))
    assert games.present_value(1, 0.9) == pytest.approx(10)  # lesson 6: "ten times"
    sweep = games.present_value(1.0, np.array([0.5, 0.9]), np.array([np.inf, 2]))
    assert sweep.tolist() == pytest.approx([2.0, 1.9])


# =========================================================================== explorers
ALL = [InspectionExplorer, TreeExplorer, BayesExplorer, DiscountExplorer, OutsideOptionExplorer,
       HorizonExplorer, MediatorExplorer]


@pytest.fixture(params=ALL, ids=[c.__name__ for c in ALL])
def explorer(request):
    ex = request.param()
    yield ex
    ex.close()


def test_every_control_changes_readout_and_picture(explorer):
    import matplotlib.pyplot as plt

    n_axes = len(explorer.figure.axes)
    for name, control in explorer.controls.items():
        start = control.value
        lo, hi = control.min, control.max
        values = [lo, hi] if isinstance(control, w.IntSlider) else [lo, (lo + hi) / 2, hi]
        if name == "cost":  # the inspection game's interesting range lies below the loss
            values = [0.05, 0.5, 0.9]
        summaries, pngs = set(), set()
        for value in values:
            explorer.set(**{name: value})
            summaries.add(explorer.summary)
            pngs.add(explorer.image.value)
        assert len(pngs) > 1 and len(summaries) > 1, f"moving {name} changed nothing"
        explorer.set(**{name: start})
    assert len(explorer.figure.axes) == n_axes  # redraws reuse the axes
    assert plt.get_fignums() == []


def test_readout_labels_and_errors(explorer):
    assert explorer.summary and explorer.plot_caption
    assert html.escape(explorer.summary) in explorer.readout.value
    assert explorer.a11y.alt == explorer.alt_text
    assert explorer.summary in explorer._repr_mimebundle_()["text/plain"]
    for name, control in explorer.controls.items():
        assert isinstance(control, (w.FloatSlider, w.IntSlider)) and control.description, name
    name, control = next(iter(explorer.controls.items()))
    with pytest.raises(ValueError, match=name):
        explorer.set(**{name: control.max + 1})


def test_inspection_readout_follows_the_model():
    ex = InspectionExplorer()
    ex.set(gain=2.0, penalty=2.0, cost=0.3, damage=1.2)
    m = games.mixed_equilibrium(*games.inspection_game(2.0, 2.0, 0.3, 1.2))
    assert f"cheats with probability {m.row:.2f}" in ex.summary
    assert f"inspects with probability {m.col:.2f}" in ex.summary
    ex.set(cost=1.5)
    assert ex.state["result"] is None and "never inspects" in ex.summary


def test_tree_explorer_solves_one_decision_at_a_time():
    ex = TreeExplorer()
    assert "Nothing solved yet" in ex.summary
    for n in range(1, 5):
        ex.set(solved=n)
        assert f"Step {n} of 4" in ex.summary
    assert "Subgame-perfect equilibrium: challenge → concede" in ex.summary
    ex.set(audience_cost=0.4)
    assert "ending at 'quiet'" in ex.summary


def test_bayes_and_discount_readouts():
    b = BayesExplorer()
    assert "= 0.44" in b.summary
    b.set(p_signal_if_a=0.0, p_signal_if_b=0.0)
    assert "cannot happen" in b.summary
    d = DiscountExplorer()
    assert "1/(1 − δ) = 10.00" in d.summary and "worth 6.51" in d.summary


# =========================================================================== checks
def test_try_it_says_what_is_wrong():
    def right(p, cost_nk):
        return min(p + cost_nk, 1)

    assert checks.try_it("lesson04", "ultimatum", right).correct
    assert checks.try_it("lesson04", "ultimatum", lambda a, b: min(a + b, 1.0)).correct  # any names

    def unfinished(p, cost_nk):
        return ...

    def no_return(p, cost_nk):
        p + cost_nk

    def crashes(p, cost_nk):
        return p + cost_nk + undefined  # noqa: F821

    verdicts = {
        "unfinished": checks.try_it("lesson04", "ultimatum", unfinished),
        "none": checks.try_it("lesson04", "ultimatum", no_return),
        "error": checks.try_it("lesson04", "ultimatum", crashes),
        "bottom": checks.try_it("lesson04", "ultimatum", lambda p, cost_nk: p - cost_nk),
        "unclipped": checks.try_it("lesson04", "ultimatum", lambda p, cost_nk: p + cost_nk),
        "text": checks.try_it("lesson04", "ultimatum", lambda p, cost_nk: "0.6"),
        "not a function": checks.try_it("lesson04", "ultimatum", 0.6),
    }
    assert not any(v.correct for v in verdicts.values())
    assert "replace it with your formula" in str(verdicts["unfinished"])
    assert "returns None" in str(verdicts["none"])
    assert "NameError" in str(verdicts["error"])
    assert "bottom of the bargaining range" in str(verdicts["bottom"])
    assert "clip" in str(verdicts["unclipped"])
    assert "return one number" in str(verdicts["text"])
    assert "Pass your function itself" in str(verdicts["not a function"])
    with pytest.raises(ValueError, match="no exercise 'nope'"):
        checks.try_it("lesson04", "nope", right)


@pytest.mark.parametrize(("key", "right"), [
    ("inspect", lambda gain, penalty: gain / (gain + penalty)),
    ("posterior", lambda prior, p_if_sincere, p_if_stalling:
        prior * p_if_sincere / (prior * p_if_sincere + (1 - prior) * p_if_stalling)),
    ("stream", lambda payment, delta: payment / (1 - delta)),
])
def test_every_lesson04_exercise_accepts_a_right_answer_written_its_own_way(key, right):
    assert checks.try_it("lesson04", key, right).correct
    assert not checks.try_it("lesson04", key, lambda *args: 0.123).correct


def test_number_questions_accept_any_spelling_and_name_the_slip():
    q = checks.ask("lesson04", "cheat_rate")
    assert isinstance(q, checks.NumberCheck)
    for spelling in (0.25, "0.25", "1/4", "25%", " 0,25 "):
        assert q.answer(spelling).correct, spelling
    assert "set by North Korea's payoffs" in q.answer(0.5).message
    assert not q.answer("a quarter").correct and "Type a number" in q.answer("a quarter").message
    assert "0.45" in checks.ask("lesson04", "ultimatum").answer(0.45).message
    assert checks.ask("lesson04", "ultimatum").answer(0.75).correct
    assert checks.ask("lesson04", "posterior").answer(0.43).correct
    assert checks.ask("lesson04", "value").answer(1).correct
    assert "next period" in checks.ask("lesson04", "value").answer(0.8).message


def test_predictions_are_confronted_and_summarised():
    checks._PREDICTIONS.pop("lesson04", None)
    pen = checks.predict("lesson04", "penalty")
    pen.choose("a")
    recall = pen.recall()
    assert recall.startswith("You predicted: Less often") and "the model says: Exactly as often" in recall
    assert "(not what you predicted)" in recall
    halt = checks.predict("lesson04", "halt")
    halt.choose("b")
    assert "(your prediction was right)" in halt.recall()
    text = str(checks.summary("lesson04"))
    assert "1 of the 2 you locked in" in text and "✘" in text and "✔" in text
    assert "(none locked in yet)" in str(checks.summary("lesson_without_predictions"))  \
        or "no prediction" in str(checks.summary("lesson_without_predictions"))


def test_lesson04_answers_agree_with_the_models():
    m = games.mixed_equilibrium(*games.inspection_game(2, 2, 0.3, 1.2))
    assert checks.get_question("lesson04", "cheat_rate").answer == pytest.approx(m.row) == 0.25
    assert checks.get_question("lesson04", "ultimatum").answer == pytest.approx(0.75)
    assert checks.get_question("lesson04", "posterior").answer == pytest.approx(0.18 / 0.42)
    assert checks.get_question("lesson04", "value").answer == pytest.approx(1.0)
    # the predictions' "expected" options are what the models say
    harsher = games.mixed_equilibrium(*games.inspection_game(1, 6, 0.2, 1))
    base = games.mixed_equilibrium(*games.inspection_game(1, 3, 0.2, 1))
    assert harsher.row == base.row and checks.get_question("lesson04", "penalty").expected == "b"
    assert games.backward_induction(games.escalation_game(0.2, 0.5, 1.0, 0.4)).outcome == "quiet"
    assert round(games.bayes_posterior(0.3, 0.9, 0.5), 2) == 0.44
    assert games.present_value(1, 0.9) == pytest.approx(10)


def test_every_prediction_of_every_lesson_names_a_valid_expected_option():
    import importlib
    import pkgutil

    import course_utils.questions as bank

    for info in pkgutil.iter_modules(bank.__path__):
        module = importlib.import_module(f"course_utils.questions.{info.name}")
        for key, q in getattr(module, "QUESTIONS", {}).items():
            if isinstance(q, checks.Question) and q.expected is not None:
                assert q.expected in q.options, (info.name, key)


def test_summary_has_no_raw_tuples():
    checks._PREDICTIONS.pop("lesson04", None)
    for key in ("penalty", "audience", "halt", "stream"):
        checks.predict("lesson04", key)
    text = str(checks.summary("lesson04"))
    assert "(none locked in yet)" in text
    assert "Prediction(" not in text and "('" not in text
    assert len(list(itertools.chain(text.splitlines()))) == 5


def test_outside_option_explorer_follows_the_models():
    from course_utils.models import nash_bargaining, war_payoffs
    from course_utils.models.strength import outside_option_split

    ex = OutsideOptionExplorer()
    war = war_payoffs(0.7, 0.1, 0.3)
    assert f"North Korea gets {nash_bargaining(war.b, war.a).a:.2f}" in ex.summary
    assert f"it gets {outside_option_split(0.3, 0.3, war.b, war.a).a:.2f}" in ex.summary
    assert "the US's threat of war binds" in ex.summary
    ex.set(cost_us=0.4)
    assert "neither side's threat of war binds" in ex.summary


def test_mediator_and_horizon_readouts():
    m = MediatorExplorer()
    assert "= 0.50 (it was 0.50): it does not move" in m.summary  # advice given whatever the truth
    m.set(p_signal_if_a=0.9, p_signal_if_b=0.3)
    assert f"= {games.bayes_posterior(0.5, 0.9, 0.3):.2f}" in m.summary and "it rises" in m.summary
    h = HorizonExplorer()
    assert "Rubinstein's 0.526" in h.summary and "keeps everything" in h.summary


@pytest.mark.parametrize("make", [*ALL, lambda: TreeExplorer(solved=4)],
                         ids=[*(c.__name__ for c in ALL), "TreeExplorer-solved"])
def test_one_keyboard_step_on_the_first_control_changes_the_readout(make):
    """What the browser test does: one arrow-key step on the first slider must change the
    readout (and so the plot's alternative text), from the state the lesson shows."""
    ex = make()
    name, control = next(iter(ex.controls.items()))
    before = ex.summary
    step = control.step
    ex.set(**{name: control.value + step if control.value + step <= control.max else control.value - step})
    assert ex.summary != before, f"{type(ex).__name__}: one step of {name} left the readout as it was"
    ex.close()
