"""Correct answers to ps1_bargaining, written the ways students write them: the RIGHT round.

``RIGHT`` is a list of rounds; each round maps every answer cell (its grade_id) to a student's
cell text, and the round is graded as one submission: every automatic part must earn its full
points. Across the rounds each part gets at least four different correct answers (a closed form,
a loop or recursion, NumPy types and vectorised code, a numerical search as a student would
write it, the package where the question allows it, a value at the answer policy's precision).

Two places use this file: ``course build`` grades every round as one of its proofs
(:func:`course_utils.grading.right_answers.load_right_answers`), and ``tests/test_assignments.py`` also proves
every variant correct without the hidden tests, against the reference solution on random
arguments inside each function's stated domain. The file is read as data (``ast.literal_eval``),
never imported or run by the build; it lives outside ``source/`` so that nbgrader never copies
it into ``release/`` and grading never copies it next to a student's notebook.
"""

RIGHT = [
    {  # round 1: plain Python, closed forms, a recursion; an int where a float is expected
        "ps1_a1_answer": 'menu_deal = "cap"',
        "ps1_a2_answer": "min_cost_nk_full = 0.3",
        "ps1_a3_answer": "max_fall_p = 0.25",
        "ps1_b1_answer": (
            "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
            "    x = p + (cost_nk_high - cost_us) / 2   # the peak of the concave part\n"
            "    if x < p + cost_nk_low:                # nobody fights below p + c_lo\n"
            "        x = p + cost_nk_low\n"
            "    return min(x, 1)                       # an int 1 when the cap binds"
        ),
        "ps1_b2_answer": "p_war_shifted = 0.25",
        "ps1_c_answer": "nk_gain = 0.13",
        "ps1_c2_answer": "d_nk_needed = 1 / 3",
        "ps1_d1_answer": (
            "def first_round_share(delta_proposer, delta_responder, rounds):\n"
            "    if rounds == 1:\n"
            "        return 1.0\n"
            "    # the responder proposes next, in a game one round shorter with the roles swapped\n"
            "    return 1 - delta_responder * first_round_share(delta_responder, delta_proposer, rounds - 1)"
        ),
        "ps1_d2_answer": (
            "limit = (1 - 0.95) / (1 - 0.85 * 0.95)\n"
            "last_outside = 0\n"
            "for n in range(1, 301):\n"
            "    if abs(first_round_share(0.85, 0.95, n) - limit) >= 0.01:\n"
            "        last_outside = n\n"
            "rounds_needed = last_outside + 1"
        ),
        "ps1_d3_answer": 'us_ahead_when = "odd"',
        "ps1_e_answer": 'best_guarantee = "region"',
        "ps1_e2_answer": "max_denuclearization = 0.9",
    },
    {  # round 2: NumPy types (float64, 0-d array, float32, int64) and vectorised code
        "ps1_a1_answer": 'menu_deal = "Cap "',
        "ps1_a2_answer": "import numpy as np\nmin_cost_nk_full = np.float64(1.0) - np.float64(0.7)",
        "ps1_a3_answer": "import numpy as np\nmax_fall_p = np.array(0.7 - (0.6 - 0.15))",
        "ps1_b1_answer": (
            "import numpy as np\n"
            "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
            "    lo, hi = p, 1.0\n"
            "    for _ in range(4):  # a grid, then finer grids around its best point\n"
            "        x = np.linspace(lo, hi, 2001)\n"
            "        p_war = np.clip((x - p - cost_nk_low) / (cost_nk_high - cost_nk_low), 0, 1)\n"
            "        eu = x * (1 - p_war) + (p - cost_us) * p_war\n"
            "        i = np.argmax(eu)\n"
            "        step = x[1] - x[0]\n"
            "        lo, hi = max(p, x[i] - step), min(1.0, x[i] + step)\n"
            "    return x[i]"
        ),
        "ps1_b2_answer": (
            "import numpy as np\n"
            "x_star = optimal_demand(0.5, 0.1, 0.1, 0.5)\n"
            "p_war_shifted = np.clip((x_star - 0.5 - 0.1) / (0.5 - 0.1), 0, 1)"
        ),
        "ps1_c_answer": (
            "import numpy as np\n"
            "before, after = np.array([0.6, 0.1]), np.array([0.5, 0.25])\n"
            "nk_share = lambda d: d[1] + (1 - 0.6) * (1 - d.sum())\n"
            "nk_gain = nk_share(after) - nk_share(before)"
        ),
        "ps1_c2_answer": "import numpy as np\nd_nk_needed = np.float32(1 / 3)",
        "ps1_d1_answer": (
            "import numpy as np\n"
            "def first_round_share(delta_proposer, delta_responder, rounds):\n"
            "    # 1 - d1 + d1 d2 - d1 d2 d3 + ...: d_k discounts the proposer of round k + 1\n"
            "    k = np.arange(1, rounds)\n"
            "    d = np.where(k % 2 == 1, delta_responder, delta_proposer)\n"
            "    terms = np.concatenate(([1.0], np.cumprod(d)))\n"
            "    signs = np.where(np.arange(rounds) % 2 == 0, 1.0, -1.0)\n"
            "    return np.sum(signs * terms)"
        ),
        "ps1_d2_answer": (
            "import numpy as np\n"
            "limit = 0.05 / (1 - 0.85 * 0.95)\n"
            "n = np.arange(1, 301)\n"
            "gaps = np.abs(np.array([first_round_share(0.85, 0.95, int(k)) for k in n]) - limit)\n"
            "rounds_needed = n[gaps >= 0.01].max() + 1"
        ),
        "ps1_d3_answer": 'us_ahead_when = " ODD"',
        "ps1_e_answer": (
            'options = {"troops": (0.5, 0.6), "region": (0.8, 0.9), "arsenal": (1.5, 1.3)}  # (b, e)\n'
            "# a guarantee helps only if the US gains (a e >= b f); then d can reach e / f\n"
            "best_guarantee = max((k for k in options if options[k][1] >= options[k][0]), key=lambda k: options[k][1])"
        ),
        "ps1_e2_answer": "import numpy as np\nmax_denuclearization = np.min([1.0, 0.9 / 1.0])",
    },
    {  # round 3: searches as a student writes them, and the package where a question allows it
        "ps1_a1_answer": (
            "from course_utils.models import indivisible_deals\n"
            'menu = {"freeze": 0.3, "cap": 0.6, "full": 1.0}\n'
            "inside = indivisible_deals(0.7, 0.25, 0.15, tuple(menu.values()))\n"
            'menu_deal = [k for k, v in menu.items() if v == max(inside)][0] if inside else "none"'
        ),
        "ps1_a2_answer": (
            "c = 0.15\n"
            "while 1 - 1.0 < 1 - 0.7 - c:  # raise North Korea's cost until full is acceptable\n"
            "    c += 0.00001\n"
            "min_cost_nk_full = c"
        ),
        "ps1_a3_answer": (
            "lo, hi = 0.0, 0.7  # bisection on p: North Korea accepts 0.6 iff 1 - 0.6 >= 1 - p - 0.15\n"
            "for _ in range(60):\n"
            "    mid = (lo + hi) / 2\n"
            "    if 1 - 0.6 >= 1 - mid - 0.15:\n"
            "        hi = mid\n"
            "    else:\n"
            "        lo = mid\n"
            "max_fall_p = 0.7 - hi"
        ),
        "ps1_b1_answer": (
            "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
            "    # brute force: every demand on a grid of 100 001 points over [p, 1]\n"
            "    best_x, best_eu = p, None\n"
            "    steps = 100000\n"
            "    for i in range(steps + 1):\n"
            "        x = p + (1 - p) * i / steps\n"
            "        if x <= p + cost_nk_low:\n"
            "            p_war = 0.0\n"
            "        elif x >= p + cost_nk_high:\n"
            "            p_war = 1.0\n"
            "        else:\n"
            "            p_war = (x - p - cost_nk_low) / (cost_nk_high - cost_nk_low)\n"
            "        eu = x * (1 - p_war) + (p - cost_us) * p_war\n"
            "        if best_eu is None or eu > best_eu:\n"
            "            best_x, best_eu = x, eu\n"
            "    return best_x"
        ),
        "ps1_b2_answer": "x_star = optimal_demand(0.5, 0.1, 0.1, 0.5)\np_war_shifted = (x_star - 0.6) / 0.4",
        "ps1_c_answer": (
            "from course_utils.models import nash_bargaining\n"
            "nk_gain = nash_bargaining(0.5, 0.25, 1.0, 0.6).b - nash_bargaining(0.6, 0.1, 1.0, 0.6).b"
        ),
        "ps1_c2_answer": (
            "from course_utils.models import nash_bargaining\n"
            "lo, hi = 0.0, 0.5  # North Korea's share rises with its disagreement payoff\n"
            "for _ in range(50):\n"
            "    mid = (lo + hi) / 2\n"
            "    if nash_bargaining(0.5, mid, 1.0, 0.6).b < 0.4:\n"
            "        lo = mid\n"
            "    else:\n"
            "        hi = mid\n"
            "d_nk_needed = (lo + hi) / 2"
        ),
        "ps1_d1_answer": (
            "def first_round_share(delta_proposer, delta_responder, rounds):\n"
            "    # two rounds back: s(n) = 1 - d_r + d_p d_r s(n - 2), a geometric sum\n"
            "    D = delta_proposer * delta_responder\n"
            "    k = (rounds - 1) // 2\n"
            "    geometric = (1 - D ** k) / (1 - D)\n"
            "    if rounds % 2 == 1:\n"
            "        return (1 - delta_responder) * geometric + D ** k\n"
            "    return (1 - delta_responder) * (geometric + D ** k)"
        ),
        "ps1_d2_answer": (
            "limit = (1 - 0.95) / (1 - 0.85 * 0.95)\n"
            "def first_within(start):  # first deadline of one parity within 0.01 (each parity converges monotonically)\n"
            "    n = start\n"
            "    while abs(first_round_share(0.85, 0.95, n) - limit) >= 0.01:\n"
            "        n += 2\n"
            "    return n\n"
            "odd, even = first_within(1), first_within(2)\n"
            "# from max(odd, even) on both parities are within; the deadline before it has the other parity\n"
            "later, earlier = max(odd, even), min(odd, even)\n"
            "rounds_needed = later - 1 if later - 1 >= earlier else later"
        ),
        "ps1_d3_answer": (
            "limit = (1 - 0.95) / (1 - 0.85 * 0.95)\n"
            'us_ahead_when = "odd" if first_round_share(0.85, 0.95, 41) > limit else "even"'
        ),
        "ps1_e_answer": (
            "best_guarantee, best_d = None, -1.0\n"
            'for name, (b, e) in {"troops": (0.5, 0.6), "region": (0.8, 0.9), "arsenal": (1.5, 1.3)}.items():\n'
            "    largest = 0.0\n"
            "    for i in range(1001):  # d on a grid; the cheapest concession North Korea accepts is d / e\n"
            "        d = i / 1000\n"
            "        s = d / e\n"
            "        if s <= 1 and d - b * s >= 0:\n"
            "            largest = d\n"
            "    if largest > best_d:\n"
            "        best_guarantee, best_d = name, largest"
        ),
        "ps1_e2_answer": (
            "d = 0.0  # raise d while some s <= 1 keeps both sides at or above the status quo\n"
            "while (d + 1e-5) / 0.9 <= 1 and (d + 1e-5) - 0.8 * (d + 1e-5) / 0.9 >= 0:\n"
            "    d += 1e-5\n"
            "max_denuclearization = d"
        ),
    },
    {  # round 4: values at the policy's precision (4 significant figures), other equivalent forms
        "ps1_a1_answer": (
            'menu_deal, best = "none", -1.0\n'
            'for name, x in (("freeze", 0.3), ("cap", 0.6), ("full", 1.0)):\n'
            "    if 0.7 - 0.25 <= x <= 0.7 + 0.15 and x > best:\n"
            "        menu_deal, best = name.upper(), x"
        ),
        "ps1_a2_answer": "min_cost_nk_full = round(1.0 - 0.7, 4)",
        "ps1_a3_answer": 'max_fall_p = float("%.4g" % (0.7 - 0.45))',
        "ps1_b1_answer": (
            "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
            "    def eu(x):\n"
            "        p_war = min(1.0, max(0.0, (x - p - cost_nk_low) / (cost_nk_high - cost_nk_low)))\n"
            "        return x * (1 - p_war) + (p - cost_us) * p_war\n"
            "    a, b = p, 1.0  # golden-section search: EU rises, then falls, then stays flat\n"
            "    r = (5 ** 0.5 - 1) / 2\n"
            "    for _ in range(100):\n"
            "        x1, x2 = b - r * (b - a), a + r * (b - a)\n"
            "        if eu(x1) < eu(x2):\n"
            "            a = x1\n"
            "        else:\n"
            "            b = x2\n"
            '    return float(f"{(a + b) / 2:.4g}")  # 4 significant figures, as the policy allows'
        ),
        "ps1_b2_answer": "p_war_shifted = 0.2500",
        "ps1_c_answer": 'nk_gain = float(f"{0.35 - 0.22:.4g}")',
        "ps1_c2_answer": "d_nk_needed = 0.3333",
        "ps1_d1_answer": (
            "def first_round_share(delta_proposer, delta_responder, rounds):\n"
            "    deltas = [delta_responder if k % 2 == 1 else delta_proposer for k in range(1, rounds)]\n"
            "    share = 1.0\n"
            "    for d in reversed(deltas):\n"
            "        share = 1 - d * share\n"
            '    return float(f"{share:.4g}")'
        ),
        "ps1_d2_answer": "rounds_needed = 42.0",
        "ps1_d3_answer": (
            "limit = (1 - 0.95) / (1 - 0.85 * 0.95)\n"
            "above = {n % 2 for n in range(1, 21) if first_round_share(0.85, 0.95, n) > limit}\n"
            'us_ahead_when = {1: "odd", 0: "even"}[above.pop()]'
        ),
        "ps1_e_answer": 'best_guarantee = "  Region"',
        "ps1_e2_answer": "max_denuclearization = 9 / 10",
    },
]
