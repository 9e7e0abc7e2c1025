"""Questions of lesson 5: private information and the risk-return trade-off."""

from __future__ import annotations

from ..checks import Exercise, Question
from ..models import risk_return_offer

QUESTIONS = {
    "best_demand": Question(
        prompt=("p = 0.5, the US cost of war is 0.1, and North Korea's cost of war is somewhere "
                "between 0 and 0.5 (every value equally likely). Which demand would you make?"),
        options={
            "a": "0.5: it is always accepted, no risk.",
            "b": "0.6: a little more, a little risk.",
            "c": "0.7: more, at a real risk of breakdown.",
            "d": "1.0: ask for everything.",
        },
        expected="c",
        explanation=("The best demand is x* = p + (c̄ − c_US)/2 = 0.7. It is refused 40% of the "
                     "time, yet it earns 0.58 in expectation against 0.50 for the safe demand."),
    ),
    "why_risk": Question(
        prompt="Why does the best demand knowingly risk a breakdown?",
        options={
            "a": "Because the US prefers war.",
            "b": ("Each bit more asked pays when accepted; a breakdown is the price of not knowing the "
                  "other side's cost."),
            "c": "Because the model assumes North Korea always refuses.",
        },
        correct="b",
        hint="Move the demand up from 0.5 and watch the top and the bottom panels together.",
        hints={"a": "War gives the US only p − c_US = 0.4, less than any accepted deal."},
        explanation=("Under private information, asking more raises the payoff when accepted and "
                     "the chance of refusal. The best demand balances the two — so talks can fail "
                     "even though a deal both prefer exists (Fearon 1995)."),
    ),
    "more_uncertainty": Question(
        prompt=("The US grows less sure how much war would hurt North Korea: c̄ rises from 0.5 "
                "to 0.8. What happens to the best demand?"),
        options={
            "a": "It rises, to 0.85, and the risk of breakdown rises a little (to about 44%).",
            "b": "It falls: more uncertainty calls for caution.",
            "c": "It stays at 0.7.",
        },
        correct="a",
        hint="Set c̄ to 0.80 and read the star.",
        explanation=("x* = 0.5 + (0.8 − 0.1)/2 = 0.85 and P(breakdown) = 0.35 / 0.8 ≈ 44%: with a "
                     "wider spread of possible counterparts, the gain from pushing is larger, and "
                     "so is the risk."),
    ),
}


EXERCISES = {
    "best_demand": Exercise(
        prompt=("Write best_demand(p, cost_us, cost_nk_max): the US's best take-it-or-leave-it "
                "demand when North Korea's cost of war is uniform on [0, cost_nk_max]."),
        reference=lambda p, cost_us, cost_nk_max: risk_return_offer(p, cost_us, cost_nk_max).demand,
        cases=({"p": 0.5, "cost_us": 0.1, "cost_nk_max": 0.5},
               {"p": 0.3, "cost_us": 0.2, "cost_nk_max": 0.6},
               {"p": 0.5, "cost_us": 0.6, "cost_nk_max": 0.5},
               {"p": 0.8, "cost_us": 0.0, "cost_nk_max": 0.8}),
        mistakes=((lambda p, cost_us, cost_nk_max: p + cost_nk_max / 2,
                   "You left out the US's own cost of war: a refusal costs the US c_US, which "
                   "makes asking for more less attractive."),
                  (lambda p, cost_us, cost_nk_max: p + (cost_nk_max - cost_us),
                   "The first-order condition c̄ − 2(x − p) − c_US = 0 gives half of that."),
                  (lambda p, cost_us, cost_nk_max: p + (cost_nk_max - cost_us) / 2,
                   "The formula is right inside the range, but the demand must stay between p "
                   "(when c_US ≥ c̄, ask for p and never risk war) and 1: clip it.")),
        explanation=("x* = p + (c̄ − c_US)/2, clipped to [p, 1]: the interior solution of the "
                     "first-order condition, or an end of the range when it falls outside."),
    ),
}
