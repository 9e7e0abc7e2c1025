"""Correct answers to ps2_deterrence, written the ways students write them: the RIGHT round.

See ``right_answers/ps1_bargaining.py`` for what the rounds are and who reads them. Each round maps
every answer cell to a student's cell text and must earn full marks; across the rounds each part
has at least four different correct answers.
"""

RIGHT = [
    {  # round 1: plain Python closed forms, the odds form of Bayes' rule, a recursion
        "ps2_a1_answer": "crash_payoff_us = -39",
        "ps2_a2_answer": "p_crash_new = 0.05 / 9",
        "ps2_a3_answer": 'nk_dare_change = "decreases"',
        "ps2_a4_answer": 'us_dare_change = "unchanged"',
        "ps2_b1_answer": "h_max = 2 / (2 + 0.1 * 28)",
        "ps2_b2_answer": (
            "def cumulative_risk_growing(q_first, growth, n):\n"
            "    if n == 0:\n"
            "        return 0.0\n"
            "    first = min(1.0, q_first)\n"
            "    # war in the first crisis, or peace in it and war in one of the n - 1 that follow\n"
            "    return first + (1 - first) * cumulative_risk_growing(q_first * growth, growth, n - 1)"
        ),
        "ps2_b3_answer": (
            "n = 1\n"
            "while cumulative_risk_growing(0.02, 1.25, n) < 0.5:\n"
            "    n += 1\n"
            "crises_to_even_odds = n"
        ),
        "ps2_c1_answer": (
            "import math\n"
            "def min_missiles(benefit, cost, p_survive, p_penetrate):\n"
            "    p_each = p_survive * p_penetrate\n"
            "    if p_each >= 1:\n"
            "        return 1\n"
            "    # (1 - p_each)^n <= C / (B + C)\n"
            "    return max(1, math.ceil(math.log(cost / (benefit + cost)) / math.log(1 - p_each)))"
        ),
        "ps2_c2_answer": "n_needed = 15",
        "ps2_d1_answer": "p_later_threshold = 0.8 - (1 - 0.9) * ((1 - 0.8) + (1 - 0.9) * 0.1) / 0.9",
        "ps2_d2_answer": "k_needed = 0.2",
        "ps2_d3_answer": "installment = 0.56",
        "ps2_e1_answer": (
            "def posterior_after(prior, keep_sincere, keep_stalling, months):\n"
            "    # Bayes' rule in odds: each kept month multiplies the odds by the likelihood ratio\n"
            "    odds = prior / (1 - prior) * (keep_sincere / keep_stalling) ** months\n"
            "    return odds / (1 + odds)"
        ),
        "ps2_e2_answer": 'signal_kind = "pooling"',
        "ps2_e3_answer": "belief_6_months = posterior_after(0.3, 0.95, 0.7, 6)",
    },
    {  # round 2: NumPy types (float64, 0-d array, float32, int64) and vectorised code
        "ps2_a1_answer": "import numpy as np\ncrash_payoff_us = np.float64(-1) - 2 * (1 / np.float64(0.05) - 1)",
        "ps2_a2_answer": "import numpy as np\np_crash_new = np.prod([0.05, 1 / (1 + 8)])",
        "ps2_a3_answer": 'nk_dare_change = "Decreases"',
        "ps2_a4_answer": 'us_dare_change = " unchanged "',
        "ps2_b1_answer": "import numpy as np\nh_max = np.array(2 / 4.8)",
        "ps2_b2_answer": (
            "import numpy as np\n"
            "def cumulative_risk_growing(q_first, growth, n):\n"
            "    risks = np.minimum(1.0, q_first * growth ** np.arange(n))\n"
            "    return 1 - np.prod(1 - risks)"
        ),
        "ps2_b3_answer": (
            "import numpy as np\n"
            "risks = np.array([cumulative_risk_growing(0.02, 1.25, n) for n in range(1, 51)])\n"
            "crises_to_even_odds = np.argmax(risks >= 0.5) + 1"
        ),
        "ps2_c1_answer": (
            "import numpy as np\n"
            "def min_missiles(benefit, cost, p_survive, p_penetrate):\n"
            "    n = np.arange(1, 5001)\n"
            "    p_retaliation = 1 - (1 - p_survive * p_penetrate) ** n\n"
            "    return n[np.argmax(p_retaliation >= benefit / (benefit + cost))]"
        ),
        "ps2_c2_answer": "import numpy as np\nn_needed = np.int64(min_missiles(1, 4, 0.1, 0.15))",
        "ps2_d1_answer": (
            "import numpy as np\n"
            "delta, p1, c = np.float64(0.9), 0.8, 0.1\n"
            "p_later_threshold = p1 - (1 - delta) / delta * ((1 - p1) + (1 - delta) * c)"
        ),
        "ps2_d2_answer": "import numpy as np\nk_needed = np.float32(0.5 - 0.2 - 0.1)",
        "ps2_d3_answer": "import numpy as np\ninstallment = np.float64(2.0) * (1 - 0.9 * 0.8)",
        "ps2_e1_answer": (
            "import numpy as np\n"
            "def posterior_after(prior, keep_sincere, keep_stalling, months):\n"
            "    log_odds = np.log(prior) - np.log1p(-prior) + months * (np.log(keep_sincere) - np.log(keep_stalling))\n"
            "    return 1 / (1 + np.exp(-log_odds))"
        ),
        "ps2_e2_answer": 'signal_kind = "POOLING"',
        "ps2_e3_answer": "import numpy as np\nbelief_6_months = np.float64(posterior_after(0.3, 0.95, 0.7, 6))",
    },
    {  # round 3: searches and sums as a student writes them, and the package where allowed
        "ps2_a1_answer": (
            "lo, hi = -1000.0, -1.0  # North Korea's dare probability 2 / (2 + (-1 - P)) rises with P\n"
            "for _ in range(100):\n"
            "    mid = (lo + hi) / 2\n"
            "    if 2 / (2 + (-1 - mid)) > 0.05:\n"
            "        hi = mid\n"
            "    else:\n"
            "        lo = mid\n"
            "crash_payoff_us = (lo + hi) / 2"
        ),
        "ps2_a2_answer": (
            "from course_utils.models import ChickenPayoffs, chicken_asymmetric\n"
            "eq = chicken_asymmetric(ChickenPayoffs(2, 0, -1, -39), ChickenPayoffs(1, 0, -2, -10))\n"
            "p_crash_new = eq.p_crash"
        ),
        "ps2_a3_answer": (
            "q_before = 2 / (2 + (-1 + 20))  # North Korea's mix keeps the US indifferent\n"
            "q_after = 2 / (2 + (-1 + 40))\n"
            'nk_dare_change = "decreases" if q_after < q_before else ("increases" if q_after > q_before else "unchanged")'
        ),
        "ps2_a4_answer": (
            "def us_dare(t, r, s, p):  # set by North Korea's payoffs (t, r, s, p)\n"
            "    return (t - r) / ((t - r) + (s - p))\n"
            "before, after = us_dare(1, 0, -2, -10), us_dare(1, 0, -2, -10)  # those did not move\n"
            'us_dare_change = "unchanged" if before == after else ("increases" if after > before else "decreases")'
        ),
        "ps2_b1_answer": (
            "h = 0.0  # raise h while the threat of risk 0.1 stays acceptable\n"
            "while 0.1 <= (1 - (h + 1e-6)) * 2 / ((h + 1e-6) * (30 - 2)):\n"
            "    h += 1e-6\n"
            "h_max = h"
        ),
        "ps2_b2_answer": (
            "import math\n"
            "def cumulative_risk_growing(q_first, growth, n):\n"
            "    log_peace = 0.0\n"
            "    for k in range(n):\n"
            "        q = min(1.0, q_first * growth ** k)\n"
            "        if q >= 1.0:\n"
            "            return 1.0  # a sure war: log(0) would fail\n"
            "        log_peace += math.log1p(-q)\n"
            "    return 1.0 - math.exp(log_peace)"
        ),
        "ps2_b3_answer": (
            "peace, crises = 1.0, 0\n"
            "while peace > 0.5:\n"
            "    peace *= 1 - min(1, 0.02 * 1.25 ** crises)\n"
            "    crises += 1\n"
            "crises_to_even_odds = crises"
        ),
        "ps2_c1_answer": (
            "def min_missiles(benefit, cost, p_survive, p_penetrate):\n"
            "    none_through, n = 1.0, 0\n"
            "    while True:\n"
            "        n += 1\n"
            "        none_through *= 1 - p_survive * p_penetrate\n"
            "        if 1 - none_through >= benefit / (benefit + cost):\n"
            "            return n"
        ),
        "ps2_c2_answer": "import math\nn_needed = math.ceil(math.log(1 - 0.2) / math.log(1 - 0.1 * 0.15))",
        "ps2_d1_answer": (
            "def prefers_war(p2, delta=0.9, p1=0.8, c=0.1):\n"
            "    return delta * (p1 - p2) > (1 - delta) * ((1 - p1) + (1 - delta) * c)\n"
            "lo, hi = 0.0, 0.8  # war at a big fall (lo), no war at no fall (hi)\n"
            "for _ in range(60):\n"
            "    mid = (lo + hi) / 2\n"
            "    if prefers_war(mid):\n"
            "        lo = mid\n"
            "    else:\n"
            "        hi = mid\n"
            "p_later_threshold = hi"
        ),
        "ps2_d2_answer": (
            "from course_utils.models import disarmament_price\n"
            "lo, hi = 0.0, 0.3  # the price falls as sanctions rise\n"
            "for _ in range(60):\n"
            "    mid = (lo + hi) / 2\n"
            "    if disarmament_price(0.9, 0.5, 0.2, mid) > 1.0:\n"
            "        lo = mid\n"
            "    else:\n"
            "        hi = mid\n"
            "k_needed = hi"
        ),
        "ps2_d3_answer": (
            "value_of_one_each_period = sum((0.9 * 0.8) ** t for t in range(2000))\n"
            "price = (0.5 - 0.1 - 0.2) / (1 - 0.9)\n"
            "installment = price / value_of_one_each_period"
        ),
        "ps2_e1_answer": (
            "def posterior_after(prior, keep_sincere, keep_stalling, months):\n"
            "    belief = prior\n"
            "    for _ in range(months):  # update month by month\n"
            "        kept = belief * keep_sincere + (1 - belief) * keep_stalling\n"
            "        belief = belief * keep_sincere / kept\n"
            "    return belief"
        ),
        "ps2_e2_answer": (
            "from course_utils.models import moratorium_signal\n"
            "signal_kind = moratorium_signal(0.3, 0.8, 0.5, 0.4).kind"
        ),
        "ps2_e3_answer": (
            "b = 0.3\n"
            "for _ in range(6):\n"
            "    b = b * 0.95 / (b * 0.95 + (1 - b) * 0.7)\n"
            "belief_6_months = b"
        ),
    },
    {  # round 4: values at the policy's precision (4 significant figures), whole floats for counts
        "ps2_a1_answer": "crash_payoff_us = -39.0",
        "ps2_a2_answer": "p_crash_new = 0.005556",
        "ps2_a3_answer": (
            "from course_utils.models import ChickenPayoffs, chicken_asymmetric\n"
            "nk = ChickenPayoffs(1, 0, -2, -10)\n"
            "before = chicken_asymmetric(ChickenPayoffs(2, 0, -1, -20), nk)\n"
            "after = chicken_asymmetric(ChickenPayoffs(2, 0, -1, -40), nk)\n"
            'nk_dare_change = "decreases" if after.p_dare_b < before.p_dare_b else "increases"'
        ),
        "ps2_a4_answer": (
            "from course_utils.models import ChickenPayoffs, chicken_asymmetric\n"
            "nk = ChickenPayoffs(1, 0, -2, -10)\n"
            "before = chicken_asymmetric(ChickenPayoffs(2, 0, -1, -20), nk).p_dare_a\n"
            "after = chicken_asymmetric(ChickenPayoffs(2, 0, -1, -40), nk).p_dare_a\n"
            'us_dare_change = "unchanged" if abs(after - before) < 1e-12 else ("increases" if after > before else "decreases")'
        ),
        "ps2_b1_answer": "h_max = 0.4167",
        "ps2_b2_answer": (
            "def cumulative_risk_growing(q_first, growth, n):\n"
            "    peace, risk = 1.0, q_first\n"
            "    for _ in range(n):\n"
            "        peace *= 1 - min(risk, 1.0)\n"
            "        risk *= growth\n"
            '    return float(f"{1 - peace:.4g}")  # 4 significant figures'
        ),
        "ps2_b3_answer": "crises_to_even_odds = 10",
        "ps2_c1_answer": (
            "import math\n"
            "def min_missiles(benefit, cost, p_survive, p_penetrate):\n"
            "    threshold = benefit / (benefit + cost)\n"
            "    p_each = p_survive * p_penetrate\n"
            "    if p_each == 1:\n"
            "        return 1.0\n"
            "    return float(max(1, math.ceil(math.log1p(-threshold) / math.log1p(-p_each))))  # a whole float"
        ),
        "ps2_c2_answer": "n_needed = int(min_missiles(1, 4, 0.1, 0.15))",
        "ps2_d1_answer": "p_later_threshold = 0.7767",
        "ps2_d2_answer": "k_needed = round(0.5 - 0.2 - 0.1, 4)",
        "ps2_d3_answer": "installment = round((0.5 - 0.1 - 0.2) / 0.1 * (1 - 0.72), 4)",
        "ps2_e1_answer": (
            "def posterior_after(prior, keep_sincere, keep_stalling, months):\n"
            "    sincere = prior * keep_sincere ** months\n"
            "    stalling = (1 - prior) * keep_stalling ** months\n"
            '    return float("%.4g" % (sincere / (sincere + stalling)))'
        ),
        "ps2_e2_answer": 'signal_kind = "pooling" if 0.4 <= 0.5 else "separating"  # c <= V_T: both types halt',
        "ps2_e3_answer": "belief_6_months = 0.7281",
    },
]
