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

Answers are written for every variant: ``{{expr}}`` (or ``{{expr:.4g}}``) stands for a number a
student types, computed from their own parameters (the names of ``SPECS`` in
``course_utils/variants.py``); code may also read ``V``, as a student's does.
"""

RIGHT = [
    {  # round 1: plain Python, closed forms, a recursion; an int where a float is expected
        'ps1_a1_answer': 'menu_deal = "cap"',
        'ps1_a2_answer': 'min_cost_nk_full = {{1 - p}}',
        'ps1_a3_answer': 'max_fall_p = {{p - (0.6 - cost_nk)}}',
        'ps1_b1_answer': (
            'def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n'
            '    x = p + (cost_nk_high - cost_us) / 2   # the peak of the concave part\n'
            '    if x < p + cost_nk_low:                # nobody fights below p + c_lo\n'
            '        x = p + cost_nk_low\n'
            '    return min(x, 1)                       # an int 1 when the cap binds'
        ),
        'ps1_b2_answer': 'p_war_shifted = {{((b_high - b_cost_us) / 2 - b_low) / (b_high - b_low)}}',
        'ps1_c_answer': 'nk_gain = {{c_dnk_after + (1 - c_weight_us) * (0.5 - c_dnk_after)}} - {{c_dnk_before + (1 - c_weight_us) * (0.4 - c_dnk_before)}}',
        'ps1_c2_answer': 'd_nk_needed = ({{c_target}} - {{1 - c_weight_us}} * 0.5) / {{c_weight_us}}',
        'ps1_d1_answer': (
            'def first_round_share(delta_proposer, delta_responder, rounds):\n'
            '    if rounds == 1:\n'
            '        return 1.0\n'
            '    # the responder proposes next, in a game one round shorter with the roles swapped\n'
            '    return 1 - delta_responder * first_round_share(delta_responder, delta_proposer, rounds - 1)'
        ),
        'ps1_d2_answer': (
            'limit = (1 - {{d_nk}}) / (1 - {{d_us}} * {{d_nk}})\n'
            'last_outside = 0\n'
            'for n in range(1, 301):\n'
            '    if abs(first_round_share({{d_us}}, {{d_nk}}, n) - limit) >= 0.01:\n'
            '        last_outside = n\n'
            'rounds_needed = last_outside + 1'
        ),
        'ps1_d3_answer': 'us_ahead_when = "odd"',
        'ps1_e_answer': 'best_guarantee = "region"',
        'ps1_e2_answer': 'max_denuclearization = {{e_region_e}}',
    },
    {  # round 2: NumPy types (float64, 0-d array, float32, int64) and vectorised code
        'ps1_a1_answer': 'menu_deal = "Cap "',
        'ps1_a2_answer': (
            'import numpy as np\n'
            'min_cost_nk_full = np.float64(1.0) - np.float64(V.p)'
        ),
        'ps1_a3_answer': (
            'import numpy as np\n'
            'max_fall_p = np.array({{p}} - (0.6 - {{cost_nk}}))'
        ),
        'ps1_b1_answer': (
            'import numpy as np\n'
            'def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n'
            '    lo, hi = p, 1.0\n'
            '    for _ in range(4):  # a grid, then finer grids around its best point\n'
            '        x = np.linspace(lo, hi, 2001)\n'
            '        p_war = np.clip((x - p - cost_nk_low) / (cost_nk_high - cost_nk_low), 0, 1)\n'
            '        eu = x * (1 - p_war) + (p - cost_us) * p_war\n'
            '        i = np.argmax(eu)\n'
            '        step = x[1] - x[0]\n'
            '        lo, hi = max(p, x[i] - step), min(1.0, x[i] + step)\n'
            '    return x[i]'
        ),
        'ps1_b2_answer': (
            'import numpy as np\n'
            'x_star = optimal_demand({{b_p}}, {{b_cost_us}}, {{b_low}}, {{b_high}})\n'
            'p_war_shifted = np.clip((x_star - {{b_p}} - {{b_low}}) / ({{b_high}} - {{b_low}}), 0, 1)'
        ),
        'ps1_c_answer': (
            'import numpy as np\n'
            'before, after = np.array([0.6, V.c_dnk_before]), np.array([0.5, V.c_dnk_after])\n'
            'nk_share = lambda d: d[1] + (1 - V.c_weight_us) * (1 - d.sum())\n'
            'nk_gain = nk_share(after) - nk_share(before)'
        ),
        'ps1_c2_answer': (
            'import numpy as np\n'
            'd_nk_needed = np.float32({{(c_target - (1 - c_weight_us) * 0.5) / c_weight_us}})'
        ),
        'ps1_d1_answer': (
            'import numpy as np\n'
            'def first_round_share(delta_proposer, delta_responder, rounds):\n'
            '    # 1 - d1 + d1 d2 - d1 d2 d3 + ...: d_k discounts the proposer of round k + 1\n'
            '    k = np.arange(1, rounds)\n'
            '    d = np.where(k % 2 == 1, delta_responder, delta_proposer)\n'
            '    terms = np.concatenate(([1.0], np.cumprod(d)))\n'
            '    signs = np.where(np.arange(rounds) % 2 == 0, 1.0, -1.0)\n'
            '    return np.sum(signs * terms)'
        ),
        'ps1_d2_answer': (
            'import numpy as np\n'
            'limit = (1 - V.d_nk) / (1 - V.d_us * V.d_nk)\n'
            'n = np.arange(1, 301)\n'
            'gaps = np.abs(np.array([first_round_share(V.d_us, V.d_nk, int(k)) for k in n]) - limit)\n'
            'rounds_needed = n[gaps >= 0.01].max() + 1'
        ),
        'ps1_d3_answer': 'us_ahead_when = " ODD"',
        'ps1_e_answer': (
            'options = {"troops": ({{e_troops_b}}, {{e_troops_e}}), "region": ({{e_region_b}}, {{e_region_e}}), "arsenal": ({{e_arsenal_b}}, {{e_arsenal_e}})}  # (b, e)\n'
            '# a guarantee helps only if the US gains (a e >= b f); then d can reach e / f\n'
            'best_guarantee = max((k for k in options if options[k][1] >= options[k][0]), key=lambda k: options[k][1])'
        ),
        'ps1_e2_answer': (
            'import numpy as np\n'
            'max_denuclearization = np.min([1.0, V.e_region_e / 1.0])'
        ),
    },
    {  # round 3: searches as a student writes them, and the package where a question allows it
        'ps1_a1_answer': (
            'from course_utils.models import indivisible_deals\n'
            'menu = {"freeze": 0.3, "cap": 0.6, "full": 1.0}\n'
            'inside = indivisible_deals(V.p, V.cost_us, V.cost_nk, tuple(menu.values()))\n'
            'menu_deal = [k for k, v in menu.items() if v == max(inside)][0] if inside else "none"'
        ),
        'ps1_a2_answer': (
            'c = {{cost_nk}}\n'
            "while 1 - 1.0 < 1 - {{p}} - c:  # raise North Korea's cost until full is acceptable\n"
            '    c += 0.00001\n'
            'min_cost_nk_full = c'
        ),
        'ps1_a3_answer': (
            'lo, hi = 0.0, V.p  # bisection on p: North Korea accepts 0.6 iff 1 - 0.6 >= 1 - p - c_NK\n'
            'for _ in range(60):\n'
            '    mid = (lo + hi) / 2\n'
            '    if 1 - 0.6 >= 1 - mid - V.cost_nk:\n'
            '        hi = mid\n'
            '    else:\n'
            '        lo = mid\n'
            'max_fall_p = V.p - hi'
        ),
        'ps1_b1_answer': (
            'def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n'
            '    # brute force: every demand on a grid of 100 001 points over [p, 1]\n'
            '    best_x, best_eu = p, None\n'
            '    steps = 100000\n'
            '    for i in range(steps + 1):\n'
            '        x = p + (1 - p) * i / steps\n'
            '        if x <= p + cost_nk_low:\n'
            '            p_war = 0.0\n'
            '        elif x >= p + cost_nk_high:\n'
            '            p_war = 1.0\n'
            '        else:\n'
            '            p_war = (x - p - cost_nk_low) / (cost_nk_high - cost_nk_low)\n'
            '        eu = x * (1 - p_war) + (p - cost_us) * p_war\n'
            '        if best_eu is None or eu > best_eu:\n'
            '            best_x, best_eu = x, eu\n'
            '    return best_x'
        ),
        'ps1_b2_answer': (
            'x_star = optimal_demand(V.b_p, V.b_cost_us, V.b_low, V.b_high)\n'
            'p_war_shifted = (x_star - V.b_p - V.b_low) / (V.b_high - V.b_low)'
        ),
        'ps1_c_answer': (
            'from course_utils.models import nash_bargaining\n'
            'nk_gain = (nash_bargaining(0.5, V.c_dnk_after, 1.0, V.c_weight_us).b\n'
            '           - nash_bargaining(0.6, V.c_dnk_before, 1.0, V.c_weight_us).b)'
        ),
        'ps1_c2_answer': (
            'from course_utils.models import nash_bargaining\n'
            "lo, hi = 0.0, 0.5  # North Korea's share rises with its disagreement payoff\n"
            'for _ in range(50):\n'
            '    mid = (lo + hi) / 2\n'
            '    if nash_bargaining(0.5, mid, 1.0, V.c_weight_us).b < V.c_target:\n'
            '        lo = mid\n'
            '    else:\n'
            '        hi = mid\n'
            'd_nk_needed = (lo + hi) / 2'
        ),
        'ps1_d1_answer': (
            'def first_round_share(delta_proposer, delta_responder, rounds):\n'
            '    # two rounds back: s(n) = 1 - d_r + d_p d_r s(n - 2), a geometric sum\n'
            '    D = delta_proposer * delta_responder\n'
            '    k = (rounds - 1) // 2\n'
            '    geometric = (1 - D ** k) / (1 - D)\n'
            '    if rounds % 2 == 1:\n'
            '        return (1 - delta_responder) * geometric + D ** k\n'
            '    return (1 - delta_responder) * (geometric + D ** k)'
        ),
        'ps1_d2_answer': (
            'limit = (1 - V.d_nk) / (1 - V.d_us * V.d_nk)\n'
            'def first_within(start):  # first deadline of one parity within 0.01 (each parity converges monotonically)\n'
            '    n = start\n'
            '    while abs(first_round_share(V.d_us, V.d_nk, n) - limit) >= 0.01:\n'
            '        n += 2\n'
            '    return n\n'
            'odd, even = first_within(1), first_within(2)\n'
            '# from max(odd, even) on both parities are within; the deadline before it has the other parity\n'
            'later, earlier = max(odd, even), min(odd, even)\n'
            'rounds_needed = later - 1 if later - 1 >= earlier else later'
        ),
        'ps1_d3_answer': (
            'limit = (1 - V.d_nk) / (1 - V.d_us * V.d_nk)\n'
            'us_ahead_when = "odd" if first_round_share(V.d_us, V.d_nk, 41) > limit else "even"'
        ),
        'ps1_e_answer': (
            'best_guarantee, best_d = None, -1.0\n'
            'for name, (b, e) in {"troops": (V.e_troops_b, V.e_troops_e), "region": (V.e_region_b, V.e_region_e),\n'
            '                     "arsenal": (V.e_arsenal_b, V.e_arsenal_e)}.items():\n'
            '    largest = 0.0\n'
            '    for i in range(1001):  # d on a grid; the cheapest concession North Korea accepts is d / e\n'
            '        d = i / 1000\n'
            '        s = d / e\n'
            '        if s <= 1 and d - b * s >= 0:\n'
            '            largest = d\n'
            '    if largest > best_d:\n'
            '        best_guarantee, best_d = name, largest'
        ),
        'ps1_e2_answer': (
            'd = 0.0  # raise d while some s <= 1 keeps both sides at or above the status quo\n'
            'while (d + 1e-5) / {{e_region_e}} <= 1 and (d + 1e-5) - {{e_region_b}} * (d + 1e-5) / {{e_region_e}} >= 0:\n'
            '    d += 1e-5\n'
            'max_denuclearization = d'
        ),
    },
    {  # round 4: values at the policy's precision (4 significant figures), other equivalent forms
        'ps1_a1_answer': (
            'menu_deal, best = "none", -1.0\n'
            'for name, x in (("freeze", 0.3), ("cap", 0.6), ("full", 1.0)):\n'
            '    if {{p - cost_us}} <= x <= {{p + cost_nk}} and x > best:\n'
            '        menu_deal, best = name.upper(), x'
        ),
        'ps1_a2_answer': 'min_cost_nk_full = round(1.0 - {{p}}, 4)',
        'ps1_a3_answer': 'max_fall_p = float("%.4g" % ({{p}} - {{0.6 - cost_nk}}))',
        'ps1_b1_answer': (
            'def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n'
            '    def eu(x):\n'
            '        p_war = min(1.0, max(0.0, (x - p - cost_nk_low) / (cost_nk_high - cost_nk_low)))\n'
            '        return x * (1 - p_war) + (p - cost_us) * p_war\n'
            '    a, b = p, 1.0  # golden-section search: EU rises, then falls, then stays flat\n'
            '    r = (5 ** 0.5 - 1) / 2\n'
            '    for _ in range(100):\n'
            '        x1, x2 = b - r * (b - a), a + r * (b - a)\n'
            '        if eu(x1) < eu(x2):\n'
            '            a = x1\n'
            '        else:\n'
            '            b = x2\n'
            '    return float(f"{(a + b) / 2:.4g}")  # 4 significant figures, as the policy allows'
        ),
        'ps1_b2_answer': 'p_war_shifted = {{((b_high - b_cost_us) / 2 - b_low) / (b_high - b_low):.4g}}',
        'ps1_c_answer': 'nk_gain = float("%.4g" % ({{c_dnk_after + (1 - c_weight_us) * (0.5 - c_dnk_after)}} - {{c_dnk_before + (1 - c_weight_us) * (0.4 - c_dnk_before)}}))',
        'ps1_c2_answer': 'd_nk_needed = {{(c_target - (1 - c_weight_us) * 0.5) / c_weight_us:.4g}}',
        'ps1_d1_answer': (
            'def first_round_share(delta_proposer, delta_responder, rounds):\n'
            '    deltas = [delta_responder if k % 2 == 1 else delta_proposer for k in range(1, rounds)]\n'
            '    share = 1.0\n'
            '    for d in reversed(deltas):\n'
            '        share = 1 - d * share\n'
            '    return float(f"{share:.4g}")'
        ),
        'ps1_d2_answer': (
            'def us_share(n):  # the US proposes first; the last proposer takes everything\n'
            '    v = 1.0\n'
            '    for k in range(n - 1, 0, -1):\n'
            '        v = 1 - ({{d_nk}} if k % 2 else {{d_us}}) * v\n'
            '    return v\n'
            'limit = (1 - {{d_nk}}) / (1 - {{d_us}} * {{d_nk}})\n'
            'rounds_needed = float(max(n for n in range(1, 300) if abs(us_share(n) - limit) >= 0.01) + 1)  # a whole float'
        ),
        'ps1_d3_answer': (
            'limit = (1 - V.d_nk) / (1 - V.d_us * V.d_nk)\n'
            'above = {n % 2 for n in range(1, 21) if first_round_share(V.d_us, V.d_nk, n) > limit}\n'
            'us_ahead_when = {1: "odd", 0: "even"}[above.pop()]'
        ),
        'ps1_e_answer': 'best_guarantee = "  Region"',
        'ps1_e2_answer': 'max_denuclearization = {{e_region_e * 1000:.0f}} / 1000',
    },
]

# Realistic wrong answers (see tests/test_assignments.py): each round's parts must lose their points
# and every other part keep them, for the base numbers and for every proven variant. A value
# marked "rounded too early" is right but short of the policy's 4 significant figures.
WRONG = [
    {  # round 1: levels for changes, a missing cap, the lesson's case for the shifted one, the naive choice
        'ps1_a3_answer': 'max_fall_p = {{0.6 - cost_nk}}  # the new level of p, not the fall',
        'ps1_a2_answer': "min_cost_nk_full = {{cost_nk}}  # today's cost",
        'ps1_b1_answer': (
            'def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n'
            '    return max(p + cost_nk_low, p + (cost_nk_high - cost_us) / 2)  # forgot x <= 1'
        ),
        'ps1_b2_answer': "p_war_shifted = {{(b_high - b_cost_us) / 2 / b_high}}  # the lesson's uniform [0, c_hi] case",
        'ps1_e_answer': 'best_guarantee = "arsenal"  # the one North Korea values most',
        'ps1_e2_answer': 'max_denuclearization = 1.0  # ignores the US price',
    },
    {  # round 2: swapped parameters, the old reading of the deadline question, the wrong parity
        'ps1_a1_answer': 'menu_deal = "full"  # the US favourite, outside North Korea\'s side of the range',
        'ps1_a3_answer': 'max_fall_p = {{p - (0.6 - cost_us)}}  # c_US and c_NK swapped',
        'ps1_c_answer': "nk_gain = {{(c_dnk_after + c_weight_us * (0.5 - c_dnk_after)) - (c_dnk_before + c_weight_us * (0.4 - c_dnk_before))}}  # w_US used as North Korea's weight",
        'ps1_c2_answer': "d_nk_needed = {{(c_target - 0.5 * c_weight_us) / (1 - c_weight_us)}}  # w_US used as North Korea's weight",
        'ps1_d1_answer': (
            'def first_round_share(delta_proposer, delta_responder, rounds):\n'
            '    share = 1.0\n'
            '    for k in range(rounds - 1, 0, -1):\n'
            '        share = 1.0 - (delta_proposer if k % 2 == 1 else delta_responder) * share\n'
            '    return share'
        ),
        'ps1_d2_answer': (
            'limit = (1 - V.d_nk) / (1 - V.d_us * V.d_nk)\n'
            'def us_share(n):\n'
            '    v = 1.0\n'
            '    for k in range(n - 1, 0, -1):\n'
            '        v = 1 - (V.d_nk if k % 2 else V.d_us) * v\n'
            '    return v\n'
            '# the first deadline within 0.01; longer odd ones fall outside again\n'
            'rounds_needed = next(n for n in range(1, 300) if abs(us_share(n) - limit) < 0.01)'
        ),
        'ps1_d3_answer': 'us_ahead_when = "even"',
    },
    {  # round 3: percentages, the unchanged model, off by one
        'ps1_a2_answer': 'min_cost_nk_full = {{100 * (1 - p):.4g}}  # a percentage',
        'ps1_b1_answer': (
            'def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n'
            '    return min(1.0, max(p, p + (cost_nk_high - cost_us) / 2))  # the lower bound ignored'
        ),
        'ps1_b2_answer': 'p_war_shifted = {{100 * ((b_high - b_cost_us) / 2 - b_low) / (b_high - b_low):.4g}}  # percent',
        'ps1_c2_answer': 'd_nk_needed = {{(c_target - 0.25) / 0.5}}  # symmetric weights',
        'ps1_d1_answer': (
            'def first_round_share(delta_proposer, delta_responder, rounds):\n'
            '    share = 1.0\n'
            '    for k in range(rounds, 0, -1):  # one round too many\n'
            '        share = 1.0 - (delta_responder if k % 2 == 1 else delta_proposer) * share\n'
            '    return share'
        ),
        'ps1_d2_answer': (
            'limit = (1 - V.d_nk) / (1 - V.d_us * V.d_nk)\n'
            'def us_share(n):\n'
            '    v = 1.0\n'
            '    for k in range(n - 1, 0, -1):\n'
            '        v = 1 - (V.d_nk if k % 2 else V.d_us) * v\n'
            '    return v\n'
            '# the first odd deadline within 0.01\n'
            'rounds_needed = next(n for n in range(1, 300, 2) if abs(us_share(n) - limit) < 0.01)'
        ),
        'ps1_e2_answer': 'max_denuclearization = {{(e_region_e + e_region_b) / 2}}  # the Nash deal, not the largest d',
    },
    {  # round 4: right, but rounded too early (B2, which uses B1's function, answered with the chance of a deal)
        'ps1_b1_answer': (
            'def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n'
            '    x = min(1.0, max(p + cost_nk_low, p + (cost_nk_high - cost_us) / 2))\n'
            '    return round(x, 2)  # rounded too early'
        ),
        'ps1_b2_answer': 'p_war_shifted = {{1 - ((b_high - b_cost_us) / 2 - b_low) / (b_high - b_low)}}  # the chance of a deal, not of war',
        'ps1_c2_answer': 'd_nk_needed = {{(c_target - (1 - c_weight_us) * 0.5) / c_weight_us:.2f}}  # rounded too early',
    },
]
