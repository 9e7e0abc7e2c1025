"""Lesson 6: why Kim won't trust a treaty (commitment problems, the disarmament trap)."""

from __future__ import annotations

from ..checks import Exercise, Question
from ..models import disarmament_price

QUESTIONS = {
    # ------------------------------------------------------------------ predictions
    "promise": Question(
        prompt=("Side A is strong today but will be much weaker tomorrow. The rising side "
                "promises to keep treating A well. When is A most tempted to fight now instead?"),
        options={"a": "When the shift is small and A cares little about the future",
                 "b": "When the shift is large and A cares a lot about the future",
                 "c": "Never: a promise of good treatment is enough"},
        expected="b",
        explanation=("A large shift and a patient A make war now attractive: tomorrow the rising "
                     "side will have no reason to keep today's promise, and a patient A counts "
                     "that future loss in full. This is Powell's commitment problem."),
    ),
    "libya": Question(
        prompt=("Libya gave up its weapons programmes in 2003; Gaddafi was overthrown and killed "
                "in 2011. If North Korea reads that as 'disarmed regimes are not safe', what "
                "happens to the payment it would need before disarming?"),
        options={"a": "It rises", "b": "It falls", "c": "It does not change"},
        expected="a",
        explanation=("In the model the lesson of Libya and Iraq lowers r_D, what North Korea can "
                     "count on once disarmed. The price b* = (r_K − k − r_D)/(1 − δ) rises, and "
                     "it rises by a lot: every period of lost security is counted, so the change "
                     "in r_D is multiplied by 1/(1 − δ)."),
    ),
    "pressure": Question(
        prompt=("'Maximum pressure' raises k, the per-period cost of keeping the arsenal. Can "
                "enough pressure always buy a deal?"),
        options={"a": "Yes: with enough pressure the price falls to zero",
                 "b": "Only if the pressure needed can actually be imposed and sustained",
                 "c": "No: sanctions do not change the price at all"},
        expected="b",
        explanation=("Each unit of pressure k lowers the price by 1/(1 − δ) units, and at "
                     "k = r_K − r_D it reaches zero. But the k needed may be larger than any coalition can impose "
                     "and keep up (China and Russia must join), and pressure does nothing to the "
                     "other lever, r_D: the fear of ending like Gaddafi."),
    ),
    # ------------------------------------------------------------------ checks
    "price": Question(
        prompt=("With patience δ = 0.9, value of the arsenal r_K = 0.5, security after "
                "disarming r_D = 0.2 and upkeep plus sanctions k = 0.1, what up-front payment "
                "b* makes disarming worth it?"),
        options={"a": "0.2", "b": "2.0", "c": "3.0", "d": "5.0"},
        correct="b",
        hints={"a": "0.2 is the per-period loss r_K − k − r_D. Disarming loses it every period "
                    "from now on: divide by 1 − δ.",
               "c": "Do not forget the upkeep k = 0.1: the arsenal is worth r_K − k per period.",
               "d": "b* = (r_K − k − r_D)/(1 − δ); check r_K − k − r_D."},
        explanation=("b* = (0.5 − 0.1 − 0.2)/(1 − 0.9) = 0.2/0.1 = 2.0: ten times the "
                     "per-period gap (1/(1 − δ) = 10), because disarming is forever."),
    ),
    "sanctions": Question(
        prompt=("Keep δ = 0.9, r_K = 0.5, r_D = 0.2, and suppose only 1.5 can be paid up front "
                "(later payments are not credible once the arsenal is gone). How high must "
                "upkeep and sanctions k be for a deal to exist?"),
        options={"a": "k ≥ 0.05", "b": "k ≥ 0.15", "c": "k ≥ 0.30", "d": "No k is enough"},
        correct="b",
        hints={"a": "At k = 0.05 the price is (0.5 − 0.05 − 0.2)/0.1 = 2.5 > 1.5.",
               "c": "k = 0.30 brings the price to zero, but a deal needs only b* ≤ 1.5.",
               "d": "The price falls as k rises; find k where (0.3 − k)/0.1 = 1.5."},
        explanation=("A deal needs (0.5 − k − 0.2)/0.1 ≤ 1.5, so 0.3 − k ≤ 0.15 and k ≥ 0.15. "
                     "Move the k slider in the explorer: the readout says the same."),
    ),
    "gaddafi": Question(
        prompt="In the disarmament-trap model, which parameter do the fates of Saddam Hussein and Gaddafi speak to?",
        options={"a": "r_D, what North Korea can count on after disarming",
                 "b": "k, the cost of sanctions", "c": "δ, patience",
                 "d": "None: history does not enter a model"},
        correct="a",
        hints={"b": "Sanctions are what the US does now; the two dictators' fates are about "
                    "what happens after disarming.",
               "c": "Patience is about how much the future counts, not about what it holds.",
               "d": "Models enter through beliefs: history shapes what Kim expects after disarming."},
        explanation=("Both regimes were toppled after giving up or lacking a deterrent; Kim reads "
                     "that as a low r_D, which raises the price of any deal."),
    ),
    "shift": Question(
        prompt=("With p₁ = 0.6, p₂ = 0.2 and a war cost c = 0.1, a patient declining side "
                "(δ = 0.9) fights now. What about a less patient one, δ = 0.5?"),
        options={"a": "It still fights now", "b": "A deal survives the shift",
                 "c": "The model cannot tell"},
        correct="b",
        hints={"a": "Compute the gap: 0.5 × 0.4 − 0.5 × (0.4 + 0.5 × 0.1). Is it positive?",
               "c": "The gap δ(p₁ − p₂) − (1 − δ)[(1 − p₁) + (1 − δ)c] has a sign: compute it."},
        explanation=("The gap is 0.5 × 0.4 − 0.5 × 0.45 = −0.025 < 0: an impatient side values "
                     "today's share more than tomorrow's loss, so a deal survives. Patience "
                     "makes the future, and the broken promises it may hold, count."),
    ),
}


EXERCISES = {
    "price": Exercise(
        prompt=("Write price(delta, r_k, r_d, k): the up-front payment that makes disarming worth "
                "it to North Korea (0 if it would disarm for nothing)."),
        reference=lambda delta, r_k, r_d, k: disarmament_price(delta, r_k, r_d, k),
        cases=({"delta": 0.9, "r_k": 0.5, "r_d": 0.2, "k": 0.1},
               {"delta": 0.8, "r_k": 0.6, "r_d": 0.1, "k": 0.2},
               {"delta": 0.9, "r_k": 0.3, "r_d": 0.3, "k": 0.1}),
        mistakes=((lambda delta, r_k, r_d, k: r_k - k - r_d,
                   "That is one period's loss; disarming loses it every period, for ever: "
                   "multiply by 1 + δ + δ² + ... = 1/(1 − δ) (lesson 4)."),
                  (lambda delta, r_k, r_d, k: delta * (r_k - k - r_d) / (1 - delta),
                   "The loss starts today, not next period: the factor is 1/(1 − δ), not "
                   "δ/(1 − δ)."),
                  (lambda delta, r_k, r_d, k: (r_k - k - r_d) / (1 - delta),
                   "Right when disarming costs North Korea something; when r_D ≥ r_K − k it "
                   "would disarm for nothing, so the price is 0, not negative: use max(…, 0).")),
        explanation="b* = max(r_K − k − r_D, 0)/(1 − δ): a per-period loss, counted for ever.",
    ),
}
