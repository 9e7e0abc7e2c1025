"""The four games of issue 15, driven headless through their whole lives.

Outcomes are asserted for fixed seeds; each bot's behaviour is checked against the model's
probabilities over many seeded games (tolerance: 4 binomial standard deviations, fixed seeds,
so the test is deterministic and a wrong probability by a few points fails); the models the
games add (``course_utils.models.games_play``) are checked against known answers.
"""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.games import ChickenGame, CrisisSandbox, DeadlineGame, DisarmamentGame
from course_utils.models import chicken_asymmetric, offer_outcome, rubinstein_shares
from course_utils.models.games_play import (
    deadline_bargaining,
    renege_probability,
    signal_posterior,
    staged_deal,
)

GAMES = (ChickenGame, DeadlineGame, DisarmamentGame, CrisisSandbox)


def within(observed: int, n: int, p: float, sds: float = 4.0) -> bool:
    """``observed`` successes in ``n`` trials lie within ``sds`` binomial s.d. of ``n p``."""
    return abs(observed - n * p) <= sds * math.sqrt(n * p * (1 - p)) + 1e-9


def ready(game):
    """The game after a prediction (its first option): play needs one."""
    game.predict(game.options[0])
    return game


def play_through(game, policy=None):
    """Play a game to its end: ``policy(game) -> (key, value)``, default the first open key."""
    if game.prediction is None:
        game.predict(game.options[0])
    while not game.over:
        key, value = policy(game) if policy else (game.available()[0], None)
        if key == "propose" and value is None:
            value = 0.5
        game.act(key, value)
    return game


# ---------------------------------------------------------------------- models
def test_deadline_bargaining_by_backward_induction():
    one = deadline_bargaining(0.9, 0.8, 1)
    assert one.first_share == 1.0 and one.last_mover == "first"      # an ultimatum
    two = deadline_bargaining(0.9, 0.8, 2)
    assert two.first_share == pytest.approx(0.2) and two.last_mover == "second"
    assert two.accept_at_least == pytest.approx((0.8, 0.0))
    three = deadline_bargaining(0.9, 0.8, 3)
    assert three.first_share == pytest.approx(1 - 0.8 * (1 - 0.9))   # 0.92
    # the last mover wins a short deadline even when less patient
    assert deadline_bargaining(0.9, 0.8, 4).second_share > 0.5
    # a long deadline gives Rubinstein's infinite-horizon split
    assert deadline_bargaining(0.9, 0.8, 401).first_share == pytest.approx(
        rubinstein_shares(0.9, 0.8).proposer, abs=1e-9)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_deadline_bargaining_rejects_bad_deadlines(bad):
    with pytest.raises(ValueError, match="periods must be a whole number"):
        deadline_bargaining(0.9, 0.9, bad)


def test_deadline_bargaining_rejects_bad_discount():
    with pytest.raises(ValueError, match="delta_first"):
        deadline_bargaining(1.0, 0.9, 3)


def test_renege_probability():
    assert renege_probability(1.0, 0.3, 0.4, 0.4) == 0.0
    assert renege_probability(0.5, 0.3, 0.4, 0.4) == pytest.approx(0.25)
    assert renege_probability(0.0, 0.3, 0.4, 0.4) == pytest.approx(0.75)
    assert renege_probability(0.0, 1.0, 0.4, 0.4) == 1.0               # clipped
    with pytest.raises(ValueError, match="leverage"):
        renege_probability(1.5, 0.3, 0.4, 0.4)
    with pytest.raises(ValueError, match="reputation_max"):
        renege_probability(0.5, 0.3, 0.4, 0.0)


def test_staged_deal_best_stop_and_values():
    deal = staged_deal(4, 0.3, 1.0, 0.4, 0.4)
    assert deal.p_renege == pytest.approx((0.0, 0.25, 0.5, 0.75))
    assert deal.best_stages == 1
    assert deal.value_if_stop[:3] == pytest.approx((1.0, 1.05, 1.025))
    assert deal.p_breach_full == pytest.approx(1 - 1.0 * 0.75 * 0.5 * 0.25)
    # a partner that cannot renege: disarm all the way when each stage pays more than it costs
    assert staged_deal(4, 0.3, 1.0, 10.0, 0.4).best_stages == 3  # the last stage leaves no leverage
    assert staged_deal(4, 0.2, 1.0, 10.0, 0.4).best_stages == 0  # 0.2 < 0.25 a stage
    with pytest.raises(ValueError, match="stages"):
        staged_deal(0, 0.3, 1.0, 0.4, 0.4)


def test_signal_posterior_follows_the_equilibrium():
    # separating (V_T < c <= V_S): a halt proves sincerity, testing proves stalling
    assert signal_posterior(0.5, 1.0, 0.4, 0.6, halted=True) == 1.0
    assert signal_posterior(0.5, 1.0, 0.4, 0.6, halted=False) == 0.0
    # pooling: a halt says nothing
    assert signal_posterior(0.3, 1.0, 0.4, 0.2, halted=True) == pytest.approx(0.3)
    # nobody halts: testing says nothing
    assert signal_posterior(0.3, 1.0, 0.4, 2.0, halted=False) == pytest.approx(0.3)


deltas = st.floats(0.01, 0.99)


@settings(max_examples=60, deadline=None)
@given(deltas, deltas, st.integers(1, 30))
def test_deadline_path_properties(d1, d2, periods):
    path = deadline_bargaining(d1, d2, periods)
    assert all(0.0 <= v <= 1.0 for v in path.proposer_share)
    assert path.proposer_share[-1] == 1.0 and path.accept_at_least[-1] == 0.0
    # each proposer gives the responder exactly its discounted value of proposing next
    for t in range(periods - 1):
        responder = d2 if t % 2 == 0 else d1
        assert path.accept_at_least[t] == pytest.approx(responder * path.proposer_share[t + 1])
        assert path.proposer_share[t] + path.accept_at_least[t] == pytest.approx(1.0)
    # the first proposer's share lies between its infinite-horizon share and 1 on odd deadlines
    limit = rubinstein_shares(d1, d2).proposer
    if periods % 2:
        assert limit - 1e-12 <= path.first_share <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.floats(0, 1), st.floats(0, 2), st.floats(0, 1), st.floats(0.01, 1))
def test_staged_deal_properties(stages, payment, value, retaliation, rho):
    deal = staged_deal(stages, payment, value, retaliation, rho)
    # less leverage never makes reneging less likely
    assert all(a <= b + 1e-12 for a, b in zip(deal.p_renege[:-1], deal.p_renege[1:], strict=True))
    assert deal.value_if_stop[deal.best_stages] >= max(deal.value_if_stop) - 1e-12
    assert deal.value_if_stop[0] == pytest.approx(value)


# ---------------------------------------------------------------------- shared API
@pytest.mark.parametrize("cls", GAMES, ids=lambda c: c.__name__)
def test_whole_life_of_every_game(cls, tmp_path):
    game = cls(seed=7)
    assert not game.over and not game.started and game.readout
    with pytest.raises(ValueError, match="prediction must be one of"):
        game.predict("no idea")
    with pytest.raises(ValueError, match="predict first, then play"):
        game.act(game.available()[0], 0.5)
    game.predict(game.options[0])
    with pytest.raises(ValueError, match="has no decision"):
        game.act("surrender")
    play_through(game)
    assert game.over and "You predicted: " + game.options[0] in game.readout
    assert "The model" in game.confront() and game.model_answer() in game.options
    with pytest.raises(ValueError, match="game is over"):
        game.act(game.actions[0].key)
    with pytest.raises(ValueError, match="predictions are made before playing"):
        game.predict(game.options[1])
    summary = game.summary()
    json.dumps(summary)  # plain data only
    assert summary["seed"] == 7 and summary["over"] and summary["moves"] == len(game.history)
    # the CSV: a header, one row per move, the seed and prediction on each row
    path = game.export_csv(tmp_path / "mine.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert len(rows) == len(game.history)
    assert {r["seed"] for r in rows} == {"7"} and rows[0]["prediction"] == game.options[0]
    with pytest.raises(ValueError, match="must end in .csv"):
        game.export_csv(tmp_path / "mine.txt")
    with pytest.raises(ValueError, match="no folder"):
        game.export_csv(tmp_path / "missing" / "mine.csv")
    # reset: the same game again, prediction cleared; a new seed: a new game
    first = game.summary()
    game.reset()
    assert game.prediction is None and not game.history and not game.over
    game.predict(game.options[0])
    play_through(game)
    assert game.summary()["moves"] == first["moves"]
    with pytest.raises(ValueError, match="seed must be a whole number"):
        cls(seed=-1)


@pytest.mark.parametrize("make, message", [
    (lambda: ChickenGame(crises=0), "crises must be a whole number from 1 to 100; got 0"),
    (lambda: ChickenGame(crises=2.5), "crises must be a whole number"),
    (lambda: ChickenGame(bots=[(1, 0, -1, -4)]), "bots must give two payoff tuples"),
    (lambda: ChickenGame(you=(0, 1, -1, -4)), "you: chicken payoffs must satisfy temptation >"),
    (lambda: ChickenGame(bots=[(1, 0, -1, -4), (1, 0, -1, 0)]), "bots.1.: chicken payoffs"),
    (lambda: DeadlineGame(negotiations=11), "negotiations must be a whole number from 1 to 10"),
    (lambda: DeadlineGame(delta_bot=1.2), "delta_bot must lie in .0, 1."),
    (lambda: DeadlineGame(negotiations=2, deadlines=[3]), "deadlines must give one value per"),
    (lambda: DisarmamentGame(stages=True), "stages must be a whole number"),
    (lambda: DisarmamentGame(payment=-1), "payment must lie in"),
    (lambda: CrisisSandbox(episodes="3"), "episodes must be a whole number"),
    (lambda: CrisisSandbox(value_stalling=2.0), "value_stalling must be less than value_sincere"),
])
def test_bad_settings_say_what_is_wrong(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        make()


# ---------------------------------------------------------------------- chicken
def test_chicken_fixed_seed_and_the_bot_mix_is_set_by_your_payoffs():
    game = play_through(ChickenGame(seed=2018), lambda g: ("swerve", None))
    s = game.summary()
    # the bot's equilibrium mix is the same in both rounds; yours falls from 25 % to 10 %
    assert s["bot_p_dare"] == pytest.approx([0.25, 0.25])
    assert s["your_equilibrium_p_dare"] == pytest.approx([0.25, 0.10])
    assert s["p_crash_at_equilibrium"] == pytest.approx([0.0625, 0.025])
    assert game.model_answer() == "about as often"
    eq = chicken_asymmetric(game.you, game.bots[1])
    assert eq.p_dare_b == game.equilibria[1].p_dare_b == pytest.approx(0.25)
    # seed 2018: the bot dares 3 times in round 1, 4 in round 2; swerving never crashes
    assert [r["bot_dared"] for r in s["rounds"]] == [3, 4]
    assert s["crashes"] == 0 and s["your_total"] == -7.0
    text = game.confront()
    assert "25% in round 1 and 25% in round 2" in text and "from 25% to 10%" in text


def test_chicken_bot_moves_do_not_depend_on_yours():
    a = play_through(ChickenGame(seed=11), lambda g: ("dare", None))
    b = play_through(ChickenGame(seed=11), lambda g: ("swerve", None))
    assert [r["bot"] for r in a.history] == [r["bot"] for r in b.history]
    crashes = sum(r["bot"] == "dare" for r in a.history)
    assert a.summary()["crashes"] == crashes  # always daring crashes exactly when the bot dares


def test_chicken_bot_dares_with_the_equilibrium_probability():
    games = [play_through(ChickenGame(seed=s), lambda g: ("swerve", None)) for s in range(300)]
    for rnd in (1, 2):
        dared = sum(g.tally(rnd)["bot_dared"] for g in games)
        n = 300 * games[0].crises
        assert within(dared, n, 0.25), f"round {rnd}: bot dared {dared} of {n}"


# ---------------------------------------------------------------------- deadline
def spe_policy(game):
    """Play the subgame-perfect strategy: ask for the SPE share, accept exactly the SPE offers."""
    i, t = game.current, game.period
    path = game.paths[i]
    if "propose" in game.available():
        return "propose", round(path.proposer_share[t], 10)
    own_floor = path.accept_at_least[t]
    return ("accept" if game.pending >= own_floor - 1e-9 else "reject"), None


def test_deadline_fixed_seed_and_spe_play_gets_the_spe_share():
    game = DeadlineGame(seed=2018)
    assert game.deadlines == (3, 4, 2) and game.you_first == (False, False, True)
    play_through(game, spe_policy)
    s = game.summary()
    assert all(r["agreed"] and r["offer"] == 1 for r in s["results"])
    assert [r["your_share"] for r in s["results"]] == pytest.approx(s["spe_your_share"], abs=1e-4)
    # bot first, 3 offers (bot last): the bot keeps 1 - 0.9 × (1 - 0.8 × 1), you get the rest;
    # bot first, 4 offers (you last): you get 0.9 × (1 - 0.8 × (1 - 0.9 × 1)); you first, 2 offers
    # (bot last): you keep 1 - 0.8 × 1
    assert s["spe_your_share"] == pytest.approx([0.9 * (1 - 0.8), 0.9 * (1 - 0.8 * 0.1), 0.2])
    assert s["last_mover"] == ["bot", "you", "bot"]
    assert game.model_answer() == "the side that makes the last offer"
    assert "Subgame-perfect path for a deadline of 2 offers" in game.last


def test_deadline_bot_accepts_exactly_what_waiting_is_worth():
    game = ready(DeadlineGame(seed=1, negotiations=1, deadlines=[2], you_first=[True]))
    # the bot would get 1 by proposing the last offer, worth 0.8 now: it refuses 0.79
    game.act("propose", 0.21)
    assert game.history[-1]["response"] == "rejected"
    assert game.pending == pytest.approx(0.0)            # the ultimatum
    game.act("reject")
    assert game.over and game.results[0]["agreed"] is False and game.results[0]["your_value"] == 0
    game.reset()
    ready(game).act("propose", 0.2)
    assert game.history[-1]["response"] == "accepted" and game.results[0]["your_value"] == 0.2
    with pytest.raises(ValueError, match="propose needs your share"):
        ready(DeadlineGame(seed=1, negotiations=1, deadlines=[2], you_first=[True])).act("propose")
    with pytest.raises(ValueError, match="must lie in"):
        ready(DeadlineGame(seed=1, negotiations=1, deadlines=[2], you_first=[True])).act("propose", 1.5)
    with pytest.raises(ValueError, match="cannot be chosen now"):
        ready(DeadlineGame(seed=1, negotiations=1, deadlines=[2], you_first=[True])).act("accept")


def test_deadline_discounts_a_late_deal():
    game = ready(DeadlineGame(seed=1, negotiations=1, deadlines=[3], you_first=[False]))
    game.act("reject")                 # the bot's first offer
    game.act("propose", 0.2)           # the bot's floor is 0.8 × 1: it takes 0.8
    assert game.results[0]["your_value"] == pytest.approx(0.2 * 0.9)
    assert "the last offer was the bot's to make" in game.last


# ---------------------------------------------------------------------- disarmament
def test_disarmament_fixed_seed():
    game = play_through(DisarmamentGame(seed=2018),
                        lambda g: ("disarm" if g.done < 2 else "stop", None))
    s = game.summary()
    assert [r["end"] for r in s["results"]] == ["reneged", "reneged", "stopped", "stopped",
                                                 "stopped"]
    assert s["breaches"] == 2 and s["best_stages"] == 1 and game.model_answer() == "1 stage"
    assert "deal 1 at stage 2 (50% of the arsenal left)" in game.confront()


def test_disarmament_partners_renege_with_the_model_probability():
    n_games = 400
    counts = [0] * 4
    for seed in range(n_games):
        game = DisarmamentGame(seed=seed, deals=1)
        counts = [c + game.partner_reneges(1, k + 1) for k, c in enumerate(counts)]
    model = staged_deal(4, 0.3, 1.0, 0.4, 0.4).p_renege
    assert counts[0] == 0  # full leverage: never
    for k in range(1, 4):
        assert within(counts[k], n_games, model[k]), f"stage {k + 1}: {counts[k]} of {n_games}"


def test_disarmament_breach_ends_the_deal_and_keeps_what_was_given():
    game = ready(DisarmamentGame(seed=2018, deals=1))
    while not game.over:
        game.act("disarm")
    last = game.history[-1]
    assert last["partner"] == "reneged" and game.results[0]["end"] == "reneged"
    assert game.results[0]["payoff"] == pytest.approx(last["arsenal_kept"] + last["payments"])


# ---------------------------------------------------------------------- sandbox
def model_play(game):
    return game.model_choice(), None


def test_sandbox_fixed_seed():
    game = play_through(CrisisSandbox(seed=2018), model_play)
    assert game.summary()["decided_by"] == ["none: a deal held", "the costly signal",
                                            "unknown resolve"]
    assert game.model_answer() == "unknown resolve"
    odds = game.ending_odds()
    assert odds["unknown resolve"] == pytest.approx(offer_outcome(0.7, 0.5, 0.1, 0.5).p_war)
    assert sum(odds.values()) == pytest.approx(1.0)


def test_sandbox_endings_match_the_model_over_many_episodes():
    n_games, per = 200, 3
    counts = dict.fromkeys(CrisisSandbox(seed=0).ending_odds(), 0)
    for seed in range(n_games):
        game = play_through(CrisisSandbox(seed=seed, episodes=per), model_play)
        for m in game.summary()["decided_by"]:
            counts[m] += 1
    odds = CrisisSandbox(seed=0).ending_odds()
    for mechanism, p in odds.items():
        if p in (0.0, 1.0):
            assert counts[mechanism] == n_games * per * p
        else:
            assert within(counts[mechanism], n_games * per, p), (mechanism, counts)


def test_sandbox_a_stalling_type_that_halts_fools_the_us_at_a_price():
    # episode 2 of seed 2018 is a stalling North Korea: halting still opens the deal
    game = ready(CrisisSandbox(seed=2018))
    for key in ("talk", "halt", "stop", "talk", "halt"):
        game.act(key)
    assert game.sincere[1] is False and game.step == 2  # the deal is open
    assert game.history[-1]["model_choice"] == "test" and game.history[-1]["result"] == "deal offered"


# ---------------------------------------------------------------------- the widget
@pytest.mark.parametrize("cls", GAMES, ids=lambda c: c.__name__)
def test_view_is_a_thin_layer(cls, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    view = cls(seed=3).show()
    game = view.game
    assert view.action_buttons and all(b.description for b in view.action_buttons.values())
    assert all(b.disabled for b in view.action_buttons.values())  # predict first
    view.predict_buttons[1].click()
    assert game.prediction == game.options[1]
    assert all(b.disabled for b in view.predict_buttons)
    # the keyboard focus moves on to the first decision open now
    assert view.next_control() is view.action_buttons[game.available()[0]]
    while not game.over:
        open_now = game.available()
        for key, button in view.action_buttons.items():
            assert button.disabled == (key not in open_now)
        view.action_buttons[open_now[0]].click()
        assert game.last in view.readout.value.replace("&#x27;", "'")
    assert all(b.disabled for b in view.action_buttons.values())
    assert view.next_control() is view.save
    assert "what the model says" in view.readout.value and "You predicted" in view.readout.value
    assert "<caption>" in view.table.value
    view.save.click()
    assert (tmp_path / view.filename.value).is_file() and "Saved" in view.readout.value
    view.filename.value = "nope.txt"
    view.save.click()
    assert "Not possible: the file name must end in .csv" in view.readout.value
    view.again.click()
    assert not game.history and not any(b.disabled for b in view.predict_buttons)
    assert view._repr_mimebundle_()["text/plain"].startswith(game.title)
    view.close()
