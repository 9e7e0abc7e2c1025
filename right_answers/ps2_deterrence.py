"""Correct answers to ps2_deterrence, written the ways students write them: the RIGHT round.

See ``right_answers/ps1_bargaining.py`` for what the rounds are and who reads them. Each round maps
every answer cell to a student's cell text and must earn full marks; across the rounds each part
has at least four different correct answers.

Answers are written for every variant: ``{{expr}}`` (or ``{{expr:.4g}}``) stands for a number a
student types, computed from their own parameters (the names of ``SPECS`` in
``course_utils/variants.py``); code may also read ``V``, as a student's does.
"""

RIGHT = [
    {  # round 1: plain Python closed forms, the odds form of Bayes' rule, a recursion
        'ps2_a1_answer': 'crash_payoff_us = {{-1 - a_t_us * (1 / a_target - 1):g}}',
        'ps2_a2_answer': 'p_crash_new = {{a_target}} / {{1 + (-2 - a_p_nk):g}}',
        'ps2_a3_answer': 'nk_dare_change = "decreases"',
        'ps2_a4_answer': 'us_dare_change = "unchanged"',
        'ps2_b1_answer': 'h_max = {{b_loss:g}} / ({{b_loss:g}} + {{b_q}} * {{b_war_cost - b_loss:g}})',
        'ps2_b2_answer': (
            'def cumulative_risk_growing(q_first, growth, n):\n'
            '    if n == 0:\n'
            '        return 0.0\n'
            '    first = min(1.0, q_first)\n'
            '    # war in the first crisis, or peace in it and war in one of the n - 1 that follow\n'
            '    return first + (1 - first) * cumulative_risk_growing(q_first * growth, growth, n - 1)'
        ),
        'ps2_b3_answer': (
            'n = 1\n'
            'while cumulative_risk_growing({{b3_q}}, {{b3_growth}}, n) < 0.5:\n'
            '    n += 1\n'
            'crises_to_even_odds = n'
        ),
        'ps2_c1_answer': (
            'import math\n'
            'def min_missiles(benefit, cost, p_survive, p_penetrate):\n'
            '    p_each = p_survive * p_penetrate\n'
            '    if p_each >= 1:\n'
            '        return 1\n'
            '    # (1 - p_each)^n <= C / (B + C)\n'
            '    return max(1, math.ceil(math.log(cost / (benefit + cost)) / math.log(1 - p_each)))'
        ),
        'ps2_c2_answer': 'n_needed = min_missiles(1, {{c_cost:g}}, {{c_survive}}, {{c_penetrate}})',
        'ps2_d1_answer': 'p_later_threshold = {{d_p1}} - (1 - {{d_delta}}) * ((1 - {{d_p1}}) + (1 - {{d_delta}}) * {{d_cost}}) / {{d_delta}}',
        'ps2_d2_answer': 'k_needed = {{d_r_armed - d_r_disarmed - (1 - d_delta)}}',
        'ps2_d3_answer': 'installment = {{(d_r_armed - 0.1 - d_r_disarmed) / (1 - d_delta) * (1 - d_delta * d_survive)}}',
        'ps2_e1_answer': (
            'def posterior_after(prior, keep_sincere, keep_stalling, months):\n'
            "    # Bayes' rule in odds: each kept month multiplies the odds by the likelihood ratio\n"
            '    odds = prior / (1 - prior) * (keep_sincere / keep_stalling) ** months\n'
            '    return odds / (1 + odds)'
        ),
        'ps2_e2_answer': 'signal_kind = "pooling"',
        'ps2_e3_answer': 'belief_6_months = posterior_after({{e_prior}}, {{e_keep_sincere}}, {{e_keep_stalling}}, 6)',
    },
    {  # round 2: NumPy types (float64, 0-d array, float32, int64) and vectorised code
        'ps2_a1_answer': (
            'import numpy as np\n'
            'crash_payoff_us = np.float64(-1) - V.a_t_us * (1 / np.float64(V.a_target) - 1)'
        ),
        'ps2_a2_answer': (
            'import numpy as np\n'
            'p_crash_new = np.prod([V.a_target, 1 / (1 + (-2 - V.a_p_nk))])'
        ),
        'ps2_a3_answer': 'nk_dare_change = "Decreases"',
        'ps2_a4_answer': 'us_dare_change = " unchanged "',
        'ps2_b1_answer': (
            'import numpy as np\n'
            'h_max = np.array({{b_loss:g}} / {{b_loss + b_q * (b_war_cost - b_loss):.10g}})'
        ),
        'ps2_b2_answer': (
            'import numpy as np\n'
            'def cumulative_risk_growing(q_first, growth, n):\n'
            '    risks = np.minimum(1.0, q_first * growth ** np.arange(n))\n'
            '    return 1 - np.prod(1 - risks)'
        ),
        'ps2_b3_answer': (
            'import numpy as np\n'
            'risks = np.array([cumulative_risk_growing(V.b3_q, V.b3_growth, n) for n in range(1, 51)])\n'
            'crises_to_even_odds = np.argmax(risks >= 0.5) + 1'
        ),
        'ps2_c1_answer': (
            'import numpy as np\n'
            'def min_missiles(benefit, cost, p_survive, p_penetrate):\n'
            '    n = np.arange(1, 5001)\n'
            '    p_retaliation = 1 - (1 - p_survive * p_penetrate) ** n\n'
            '    return n[np.argmax(p_retaliation >= benefit / (benefit + cost))]'
        ),
        'ps2_c2_answer': (
            'import numpy as np\n'
            'n_needed = np.int64(min_missiles(1, V.c_cost, V.c_survive, V.c_penetrate))'
        ),
        'ps2_d1_answer': (
            'import numpy as np\n'
            'delta, p1, c = np.float64(V.d_delta), V.d_p1, V.d_cost\n'
            'p_later_threshold = p1 - (1 - delta) / delta * ((1 - p1) + (1 - delta) * c)'
        ),
        'ps2_d2_answer': (
            'import numpy as np\n'
            'k_needed = np.float32({{d_r_armed}} - {{d_r_disarmed}} - {{1 - d_delta:.10g}})'
        ),
        'ps2_d3_answer': (
            'import numpy as np\n'
            'installment = np.float64({{(d_r_armed - 0.1 - d_r_disarmed) / (1 - d_delta)}}) * (1 - V.d_delta * V.d_survive)'
        ),
        'ps2_e1_answer': (
            'import numpy as np\n'
            'def posterior_after(prior, keep_sincere, keep_stalling, months):\n'
            '    log_odds = np.log(prior) - np.log1p(-prior) + months * (np.log(keep_sincere) - np.log(keep_stalling))\n'
            '    return 1 / (1 + np.exp(-log_odds))'
        ),
        'ps2_e2_answer': 'signal_kind = "POOLING"',
        'ps2_e3_answer': (
            'import numpy as np\n'
            'belief_6_months = np.float64(posterior_after(V.e_prior, V.e_keep_sincere, V.e_keep_stalling, 6))'
        ),
    },
    {  # round 3: searches and sums as a student writes them, and the package where allowed
        'ps2_a1_answer': (
            "lo, hi = -1000.0, -1.0  # North Korea's dare probability T / (T + (-1 - P)) rises with P\n"
            'for _ in range(100):\n'
            '    mid = (lo + hi) / 2\n'
            '    if V.a_t_us / (V.a_t_us + (-1 - mid)) > V.a_target:\n'
            '        hi = mid\n'
            '    else:\n'
            '        lo = mid\n'
            'crash_payoff_us = (lo + hi) / 2'
        ),
        'ps2_a2_answer': (
            'from course_utils.models import ChickenPayoffs, chicken_asymmetric\n'
            'eq = chicken_asymmetric(ChickenPayoffs({{a_t_us:g}}, 0, -1, {{-1 - a_t_us * (1 / a_target - 1)}}), ChickenPayoffs(1, 0, -2, {{a_p_nk:g}}))\n'
            'p_crash_new = eq.p_crash'
        ),
        'ps2_a3_answer': (
            "q_before = V.a_t_us / (V.a_t_us + (-1 + 20))  # North Korea's mix keeps the US indifferent\n"
            'q_after = V.a_t_us / (V.a_t_us + (-1 + 40))\n'
            'nk_dare_change = "decreases" if q_after < q_before else ("increases" if q_after > q_before else "unchanged")'
        ),
        'ps2_a4_answer': (
            "def us_dare(t, r, s, p):  # set by North Korea's payoffs (t, r, s, p)\n"
            '    return (t - r) / ((t - r) + (s - p))\n'
            'before, after = us_dare(1, 0, -2, V.a_p_nk), us_dare(1, 0, -2, V.a_p_nk)  # those did not move\n'
            'us_dare_change = "unchanged" if before == after else ("increases" if after > before else "decreases")'
        ),
        'ps2_b1_answer': (
            'h = 0.0  # raise h while the threat of risk q stays acceptable\n'
            'while {{b_q}} <= (1 - (h + 1e-6)) * {{b_loss:g}} / ((h + 1e-6) * ({{b_war_cost:g}} - {{b_loss:g}})):\n'
            '    h += 1e-6\n'
            'h_max = h'
        ),
        'ps2_b2_answer': (
            'import math\n'
            'def cumulative_risk_growing(q_first, growth, n):\n'
            '    log_peace = 0.0\n'
            '    for k in range(n):\n'
            '        q = min(1.0, q_first * growth ** k)\n'
            '        if q >= 1.0:\n'
            '            return 1.0  # a sure war: log(0) would fail\n'
            '        log_peace += math.log1p(-q)\n'
            '    return 1.0 - math.exp(log_peace)'
        ),
        'ps2_b3_answer': (
            'peace, crises = 1.0, 0\n'
            'while peace > 0.5:\n'
            '    peace *= 1 - min(1, V.b3_q * V.b3_growth ** crises)\n'
            '    crises += 1\n'
            'crises_to_even_odds = crises'
        ),
        'ps2_c1_answer': (
            'def min_missiles(benefit, cost, p_survive, p_penetrate):\n'
            '    none_through, n = 1.0, 0\n'
            '    while True:\n'
            '        n += 1\n'
            '        none_through *= 1 - p_survive * p_penetrate\n'
            '        if 1 - none_through >= benefit / (benefit + cost):\n'
            '            return n'
        ),
        'ps2_c2_answer': (
            'import math\n'
            'n_needed = math.ceil(math.log(1 - {{1 / (1 + c_cost):.12g}}) / math.log(1 - {{c_survive}} * {{c_penetrate}}))'
        ),
        'ps2_d1_answer': (
            'def prefers_war(p2, delta=V.d_delta, p1=V.d_p1, c=V.d_cost):\n'
            '    return delta * (p1 - p2) > (1 - delta) * ((1 - p1) + (1 - delta) * c)\n'
            'lo, hi = 0.0, V.d_p1  # war at a big fall (lo), no war at no fall (hi)\n'
            'for _ in range(60):\n'
            '    mid = (lo + hi) / 2\n'
            '    if prefers_war(mid):\n'
            '        lo = mid\n'
            '    else:\n'
            '        hi = mid\n'
            'p_later_threshold = hi'
        ),
        'ps2_d2_answer': (
            'from course_utils.models import disarmament_price\n'
            'lo, hi = 0.0, 0.4  # the price falls as sanctions rise\n'
            'for _ in range(60):\n'
            '    mid = (lo + hi) / 2\n'
            '    if disarmament_price(V.d_delta, V.d_r_armed, V.d_r_disarmed, mid) > 1.0:\n'
            '        lo = mid\n'
            '    else:\n'
            '        hi = mid\n'
            'k_needed = hi'
        ),
        'ps2_d3_answer': (
            'value_of_one_each_period = sum((V.d_delta * V.d_survive) ** t for t in range(2000))\n'
            'price = (V.d_r_armed - 0.1 - V.d_r_disarmed) / (1 - V.d_delta)\n'
            'installment = price / value_of_one_each_period'
        ),
        'ps2_e1_answer': (
            'def posterior_after(prior, keep_sincere, keep_stalling, months):\n'
            '    belief = prior\n'
            '    for _ in range(months):  # update month by month\n'
            '        kept = belief * keep_sincere + (1 - belief) * keep_stalling\n'
            '        belief = belief * keep_sincere / kept\n'
            '    return belief'
        ),
        'ps2_e2_answer': (
            'from course_utils.models import moratorium_signal\n'
            'signal_kind = moratorium_signal(0.3, V.e_v_sincere, V.e_v_stalling, V.e_cost).kind'
        ),
        'ps2_e3_answer': (
            'b = {{e_prior}}\n'
            'for _ in range(6):\n'
            '    b = b * {{e_keep_sincere}} / (b * {{e_keep_sincere}} + (1 - b) * {{e_keep_stalling}})\n'
            'belief_6_months = b'
        ),
    },
    {  # round 4: values at the policy's precision (4 significant figures), whole floats for counts
        'ps2_a1_answer': 'crash_payoff_us = {{-1 - a_t_us * (1 / a_target - 1):.4g}}',
        'ps2_a2_answer': 'p_crash_new = {{a_target / (1 + (-2 - a_p_nk)):.4g}}',
        'ps2_a3_answer': (
            'from course_utils.models import ChickenPayoffs, chicken_asymmetric\n'
            'nk = ChickenPayoffs(1, 0, -2, V.a_p_nk)\n'
            'before = chicken_asymmetric(ChickenPayoffs(V.a_t_us, 0, -1, -20), nk)\n'
            'after = chicken_asymmetric(ChickenPayoffs(V.a_t_us, 0, -1, -40), nk)\n'
            'nk_dare_change = "decreases" if after.p_dare_b < before.p_dare_b else "increases"'
        ),
        'ps2_a4_answer': (
            'from course_utils.models import ChickenPayoffs, chicken_asymmetric\n'
            'nk = ChickenPayoffs(1, 0, -2, V.a_p_nk)\n'
            'before = chicken_asymmetric(ChickenPayoffs(V.a_t_us, 0, -1, -20), nk).p_dare_a\n'
            'after = chicken_asymmetric(ChickenPayoffs(V.a_t_us, 0, -1, -40), nk).p_dare_a\n'
            'us_dare_change = "unchanged" if abs(after - before) < 1e-12 else ("increases" if after > before else "decreases")'
        ),
        'ps2_b1_answer': 'h_max = {{b_loss / (b_loss + b_q * (b_war_cost - b_loss)):.4g}}',
        'ps2_b2_answer': (
            'def cumulative_risk_growing(q_first, growth, n):\n'
            '    peace, risk = 1.0, q_first\n'
            '    for _ in range(n):\n'
            '        peace *= 1 - min(risk, 1.0)\n'
            '        risk *= growth\n'
            '    return float(f"{1 - peace:.4g}")  # 4 significant figures'
        ),
        'ps2_b3_answer': (
            'risk, peace, n = {{b3_q}}, 1.0, 0\n'
            'while 1 - peace < 0.5:\n'
            '    peace, risk, n = peace * (1 - min(risk, 1.0)), risk * {{b3_growth}}, n + 1\n'
            'crises_to_even_odds = float(n)  # a whole float'
        ),
        'ps2_c1_answer': (
            'import math\n'
            'def min_missiles(benefit, cost, p_survive, p_penetrate):\n'
            '    threshold = benefit / (benefit + cost)\n'
            '    p_each = p_survive * p_penetrate\n'
            '    if p_each == 1:\n'
            '        return 1.0\n'
            '    return float(max(1, math.ceil(math.log1p(-threshold) / math.log1p(-p_each))))  # a whole float'
        ),
        'ps2_c2_answer': 'n_needed = int(min_missiles(1, V.c_cost, V.c_survive, V.c_penetrate))',
        'ps2_d1_answer': 'p_later_threshold = {{d_p1 - (1 - d_delta) * ((1 - d_p1) + (1 - d_delta) * d_cost) / d_delta:.4g}}',
        'ps2_d2_answer': 'k_needed = round({{d_r_armed}} - {{d_r_disarmed}} - {{1 - d_delta:.3f}}, 4)',
        'ps2_d3_answer': 'installment = round(({{d_r_armed}} - 0.1 - {{d_r_disarmed}}) / {{1 - d_delta:.3f}} * (1 - {{d_delta * d_survive:.6f}}), 4)',
        'ps2_e1_answer': (
            'def posterior_after(prior, keep_sincere, keep_stalling, months):\n'
            '    sincere = prior * keep_sincere ** months\n'
            '    stalling = (1 - prior) * keep_stalling ** months\n'
            '    return float("%.4g" % (sincere / (sincere + stalling)))'
        ),
        'ps2_e2_answer': 'signal_kind = "pooling" if {{e_cost}} <= {{e_v_stalling}} else "separating"  # c <= V_T: both types halt',
        'ps2_e3_answer': 'belief_6_months = {{e_prior * e_keep_sincere ** 6 / (e_prior * e_keep_sincere ** 6 + (1 - e_prior) * e_keep_stalling ** 6):.4g}}',
    },
]

# Realistic wrong answers (see tests/test_assignments.py): each round's parts must lose their points
# and every other part keep them, for the base numbers and for every proven variant. A value
# marked "rounded too early" is right but short of the policy's 4 significant figures.
WRONG = [
    {  # round 1: whose payoffs, W_D for W_D - L, the constant-risk formula, missiles that all survive
        'ps2_a1_answer': "crash_payoff_us = {{-2 - 1 * (1 / a_target - 1)}}  # solved with North Korea's payoffs",
        'ps2_a2_answer': "p_crash_new = {{a_target * a_t_us / (a_t_us + 19)}}  # the US's mix from its own payoffs",
        'ps2_b1_answer': 'h_max = {{b_loss / (b_loss + b_q * b_war_cost)}}  # W_D instead of W_D - L',
        'ps2_b2_answer': (
            'def cumulative_risk_growing(q_first, growth, n):\n'
            '    return 1 - (1 - q_first) ** n  # growth ignored'
        ),
        'ps2_b3_answer': (
            'crises_to_even_odds = 1\n'
            'while 1 - (1 - V.b3_q) ** crises_to_even_odds < 0.5:  # growth ignored\n'
            '    crises_to_even_odds += 1'
        ),
        'ps2_c1_answer': (
            'import math\n'
            'def min_missiles(benefit, cost, p_survive, p_penetrate):\n'
            '    t = benefit / (benefit + cost)\n'
            '    return max(1, math.ceil(math.log(1 - t) / math.log(1 - p_penetrate)))  # survival ignored'
        ),
        'ps2_c2_answer': 'n_needed = 2',
        'ps2_d1_answer': 'p_later_threshold = {{d_p1 - (1 - d_delta) * ((1 - d_p1) + (1 - d_delta) * d_cost)}}  # forgot to divide by delta',
        'ps2_e1_answer': (
            'def posterior_after(prior, keep_sincere, keep_stalling, months):\n'
            '    a, b = prior * keep_stalling ** months, (1 - prior) * keep_sincere ** months  # swapped\n'
            '    return a / (a + b)'
        ),
        'ps2_e2_answer': 'signal_kind = "separating"',
        'ps2_e3_answer': 'belief_6_months = {{e_prior * e_keep_sincere / (e_prior * e_keep_sincere + (1 - e_prior) * e_keep_stalling)}}  # one month only',
    },
    {  # round 2: the wrong side's mix, no cap on risk, sure payments, one observation only, 4 decimals
        'ps2_a2_answer': 'p_crash_new = {{a_target / (1 + (-2 - a_p_nk)):.4f}}  # rounded too early: 4 decimal places are 2 significant figures',
        'ps2_a3_answer': 'nk_dare_change = "increases"',
        'ps2_b2_answer': (
            'def cumulative_risk_growing(q_first, growth, n):\n'
            '    no_war = 1.0\n'
            '    for k in range(n):\n'
            '        no_war *= 1 - q_first * growth ** k  # no cap at 1\n'
            '    return 1 - no_war'
        ),
        'ps2_b3_answer': (
            'peace, n = 1.0, 0\n'
            'while 1 - peace < 0.5:\n'
            '    peace *= 1 - V.b3_q * V.b3_growth ** n\n'
            '    n += 1\n'
            'crises_to_even_odds = n + 1  # counted the crisis after'
        ),
        'ps2_d3_answer': 'installment = {{d_r_armed - 0.1 - d_r_disarmed}}  # as if every payment were sure',
        'ps2_e1_answer': (
            'def posterior_after(prior, keep_sincere, keep_stalling, months):\n'
            '    if months == 0:\n'
            '        return prior\n'
            '    return prior * keep_sincere / (prior * keep_sincere + (1 - prior) * keep_stalling)'
        ),
        'ps2_e3_answer': 'belief_6_months = 0.5',
    },
    {  # round 3: both mixes moved, percent, off by one, no (1 - delta), a threshold rounded too early
        'ps2_a4_answer': 'us_dare_change = "decreases"',
        'ps2_b1_answer': 'h_max = {{100 * b_loss / (b_loss + b_q * (b_war_cost - b_loss)):.4g}}  # percent',
        'ps2_c1_answer': (
            'def min_missiles(benefit, cost, p_survive, p_penetrate):\n'
            '    t = benefit / (benefit + cost)\n'
            '    a = p_survive * p_penetrate\n'
            '    n = 1\n'
            '    while 1 - (1 - a) ** n < t:\n'
            '        n += 1\n'
            '    return n + 1  # one too many'
        ),
        'ps2_c2_answer': (
            'p = V.c_survive * V.c_penetrate\n'
            'n_needed = 1\n'
            'while 1 - (1 - p) ** n_needed < V.c_cost / (1 + V.c_cost):  # C / (B + C): the fraction upside down\n'
            '    n_needed += 1'
        ),
        'ps2_d1_answer': 'p_later_threshold = {{d_p1 - (1 - d_delta) * ((1 - d_p1) + (1 - d_delta) * d_cost) / d_delta:.2f}}  # rounded too early',
        'ps2_d2_answer': 'k_needed = {{d_r_armed - d_r_disarmed - 1.0}}  # forgot (1 - delta)',
    },
]
