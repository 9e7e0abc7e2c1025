"""Correct answers to ps3_record, written the ways students write them: the RIGHT round.

See ``right_answers/ps1_bargaining.py`` for what the rounds are and who reads them. Each round maps
every answer cell to a student's cell text and must earn full marks; across the rounds each part
has at least four different correct answers. The answers read the course's tables
(``course_utils.data``) as shipped, as the hidden tests do.
"""

RIGHT = [
    {  # round 1: plain Python loops over the rows, the odds form of Bayes' rule
        "ps3_a1_answer": (
            "last_2017 = None\n"
            "next_icbm = None\n"
            "for row in data.load_launches():  # in date order\n"
            "    if row.missile_class != 'ICBM':\n"
            "        continue\n"
            "    if row.date.year == 2017:\n"
            "        last_2017 = row.date\n"
            "    elif last_2017 is not None and row.date > last_2017 and next_icbm is None:\n"
            "        next_icbm = row.date\n"
            "days_without_icbm = (next_icbm - last_2017).days"
        ),
        "ps3_a2_answer": (
            "def median_gap_days(year):\n"
            "    days = []\n"
            "    for row in data.load_launches():\n"
            "        if row.date.year == year and row.date_precision == 'day' and row.date not in days:\n"
            "            days.append(row.date)\n"
            "    days.sort()\n"
            "    gaps = sorted((days[i + 1] - days[i]).days for i in range(len(days) - 1))\n"
            "    n = len(gaps)\n"
            "    if n % 2 == 1:\n"
            "        return gaps[n // 2]\n"
            "    return (gaps[n // 2 - 1] + gaps[n // 2]) / 2"
        ),
        "ps3_a3_answer": (
            "def belief_at(prior, keep_sincere, keep_stalling, year, month):\n"
            "    broken = set()\n"
            "    for row in data.load_launches():\n"
            "        if row.missile_class == 'ICBM':\n"
            "            broken.add((row.date.year, row.date.month))\n"
            "    for test in data.load_nuclear_tests():\n"
            "        broken.add((test.date.year, test.date.month))\n"
            "    odds = prior / (1 - prior)\n"
            "    index = 2018 * 12 + 4  # May 2018, months counted from year 0\n"
            "    while index <= year * 12 + month - 1:\n"
            "        if (index // 12, index % 12 + 1) in broken:\n"
            "            odds *= (1 - keep_sincere) / (1 - keep_stalling)\n"
            "        else:\n"
            "            odds *= keep_sincere / keep_stalling\n"
            "        index += 1\n"
            "    return odds / (1 + odds)"
        ),
        "ps3_a4_answer": "belief_end_2019 = belief_at(0.3, 0.95, 0.7, 2019, 12)",
        "ps3_a5_answer": "keep_stalling_even = 0.95 * (0.3 / 0.7) ** (1 / 20)",
        "ps3_b1_answer": (
            "n = {2016: 0, 2017: 0}\n"
            "for row in data.load_launches():\n"
            "    if row.date.year in n:\n"
            "        n[row.date.year] += 1\n"
            "ratio_missiles = n[2017] / n[2016]"
        ),
        "ps3_b2_answer": (
            "days_2016 = set()\n"
            "days_2017 = set()\n"
            "for row in data.load_launches():\n"
            "    if row.date.year == 2016:\n"
            "        days_2016.add(row.date)\n"
            "    if row.date.year == 2017:\n"
            "        days_2017.add(row.date)\n"
            "ratio_events = len(days_2017) / len(days_2016)"
        ),
        "ps3_b3_answer": 'closer_under = "events" if ratio_events > ratio_missiles else "missiles"',
        "ps3_c1_answer": (
            "def icbm_count(year, rule):\n"
            "    n = 0\n"
            "    for row in data.load_launches():\n"
            "        if row.date.year != year:\n"
            "            continue\n"
            "        if rule == 'table':\n"
            "            hit = row.missile_class == 'ICBM'\n"
            "        elif rule == 'assessed':\n"
            "            hit = row.best_class == 'ICBM'\n"
            "        else:\n"
            "            hit = row.best_class in ('ICBM', 'Unknown')\n"
            "        if hit:\n"
            "            n += 1\n"
            "    return n"
        ),
        "ps3_c2_answer": 'spread_2022 = icbm_count(2022, "upper") - icbm_count(2022, "table")',
        "ps3_d1_answer": "price_rise = models.disarmament_price(0.9, 0.5, 0.05, 0.1) - models.disarmament_price(0.9, 0.5, 0.2, 0.1)",
        "ps3_d2_answer": (
            "price = (0.5 - 0.1 - 0.2) / (1 - 0.9)\n"
            "# m / (1 - delta * s) >= price  <=>  s >= (1 - m / price) / delta\n"
            "min_survival = (1 - 0.3 / price) / 0.9"
        ),
    },
    {  # round 2: NumPy types (int64, float64, 0-d arrays) and vectorised code
        "ps3_a1_answer": (
            "import numpy as np\n"
            "icbm = np.array(sorted(r.date.toordinal() for r in data.load_launches() if r.missile_class == 'ICBM'))\n"
            "end_2017 = icbm[icbm <= dt.date(2017, 12, 31).toordinal()].max()\n"
            "days_without_icbm = icbm[icbm > end_2017].min() - end_2017  # a numpy.int64"
        ),
        "ps3_a2_answer": (
            "import numpy as np\n"
            "def median_gap_days(year):\n"
            "    days = np.unique([r.date.toordinal() for r in data.load_launches()\n"
            "                      if r.date.year == year and r.date_precision == 'day'])\n"
            "    return np.median(np.diff(days))  # a numpy.float64"
        ),
        "ps3_a3_answer": (
            "import numpy as np\n"
            "def belief_at(prior, keep_sincere, keep_stalling, year, month):\n"
            "    broken = {(r.date.year, r.date.month) for r in data.load_launches() if r.missile_class == 'ICBM'}\n"
            "    broken |= {(t.date.year, t.date.month) for t in data.load_nuclear_tests()}\n"
            "    n = (year - 2018) * 12 + month - 4\n"
            "    k = np.arange(n) + 4\n"
            "    hit = np.array([(2018 + i // 12, i % 12 + 1) in broken for i in k], dtype=bool)\n"
            "    l_s = np.prod(np.where(hit, 1 - keep_sincere, keep_sincere))\n"
            "    l_t = np.prod(np.where(hit, 1 - keep_stalling, keep_stalling))\n"
            "    return prior * l_s / (prior * l_s + (1 - prior) * l_t)"
        ),
        "ps3_a4_answer": (
            "import numpy as np\n"
            "belief_end_2019 = np.array(belief_at(0.3, 0.95, 0.7, 2019, 12))  # a 0-d array"
        ),
        "ps3_a5_answer": "import numpy as np\nkeep_stalling_even = np.float64(0.95) * np.power(3 / 7, 1 / 20)",
        "ps3_b1_answer": (
            "per_year = data.launches_per_year(start_year=2016, end_year=2017).total()  # numpy int64\n"
            "ratio_missiles = per_year[1] / per_year[0]"
        ),
        "ps3_b2_answer": (
            "import numpy as np\n"
            "dates = np.array([r.date.toordinal() for r in data.load_launches()])\n"
            "years = np.array([r.date.year for r in data.load_launches()])\n"
            "ratio_events = np.unique(dates[years == 2017]).size / np.float32(np.unique(dates[years == 2016]).size)"
        ),
        "ps3_b3_answer": 'closer_under = "Events"',
        "ps3_c1_answer": (
            "import numpy as np\n"
            "_rows = data.load_launches()\n"
            "_years = np.array([r.date.year for r in _rows])\n"
            "_table = np.array([r.missile_class for r in _rows])\n"
            "_best = np.array([r.best_class for r in _rows])\n"
            "def icbm_count(year, rule):\n"
            "    in_year = _years == year\n"
            "    if rule == 'table':\n"
            "        return np.count_nonzero(in_year & (_table == 'ICBM'))\n"
            "    if rule == 'assessed':\n"
            "        return np.count_nonzero(in_year & (_best == 'ICBM'))\n"
            "    return np.count_nonzero(in_year & np.isin(_best, ['ICBM', 'Unknown']))"
        ),
        "ps3_c2_answer": "import numpy as np\nspread_2022 = np.int64(icbm_count(2022, 'upper')) - np.int64(icbm_count(2022, 'table'))",
        "ps3_d1_answer": "import numpy as np\nprice_rise = np.float64(0.2 - 0.05) / np.float64(1 - 0.9)",
        "ps3_d2_answer": (
            "import numpy as np\n"
            "s = np.linspace(0, 1, 100001)\n"
            "value = 0.3 / (1 - 0.9 * s)\n"
            "min_survival = s[value >= models.disarmament_price(0.9, 0.5, 0.2, 0.1)].min()  # a grid search"
        ),
    },
    {  # round 3: the package's views, datetime and statistics, logs, a recursion, bisections
        "ps3_a1_answer": (
            "records = {r.year: r for r in data.longest_range_per_year(classes=['ICBM'])}\n"
            "icbm = [r.date for r in data.load_launches() if r.missile_class == 'ICBM']\n"
            "last_2017 = max(d for d in icbm if d < dt.date(2018, 1, 1))\n"
            "first_after = min(d for d in icbm if d >= dt.date(2018, 1, 1))\n"
            "days_without_icbm = int((first_after - last_2017) / dt.timedelta(days=1))"
        ),
        "ps3_a2_answer": (
            "def median_gap_days(year):\n"
            "    days = sorted(set(r.date for r in data.load_launches()\n"
            "                      if r.date.year == year and r.date_precision == 'day'))\n"
            "    return float(statistics.median([(b - a).days for a, b in zip(days, days[1:])]))"
        ),
        "ps3_a3_answer": (
            "def _update(belief, p_sincere, p_stalling):\n"
            "    return belief * p_sincere / (belief * p_sincere + (1 - belief) * p_stalling)\n"
            "\n"
            "def belief_at(prior, keep_sincere, keep_stalling, year, month):\n"
            "    if (year, month) < (2018, 5):\n"
            "        return prior\n"
            "    before = (year, month - 1) if month > 1 else (year - 1, 12)\n"
            "    belief = belief_at(prior, keep_sincere, keep_stalling, *before)  # a recursion, month by month\n"
            "    broken = any(r.missile_class == 'ICBM' and (r.date.year, r.date.month) == (year, month)\n"
            "                 for r in data.load_launches())\n"
            "    broken = broken or any((t.date.year, t.date.month) == (year, month) for t in data.load_nuclear_tests())\n"
            "    if broken:\n"
            "        return _update(belief, 1 - keep_sincere, 1 - keep_stalling)\n"
            "    return _update(belief, keep_sincere, keep_stalling)"
        ),
        "ps3_a4_answer": (
            "log_odds = math.log(0.3 / 0.7) + 20 * math.log(0.95 / 0.7)  # twenty kept months\n"
            "belief_end_2019 = 1 / (1 + math.exp(-log_odds))"
        ),
        "ps3_a5_answer": (
            "lo, hi = 0.5, 0.95\n"
            "for _ in range(60):  # bisection: the belief falls as keep_stalling rises\n"
            "    mid = (lo + hi) / 2\n"
            "    if belief_at(0.3, 0.95, mid, 2019, 12) > 0.5:\n"
            "        lo = mid\n"
            "    else:\n"
            "        hi = mid\n"
            "keep_stalling_even = (lo + hi) / 2"
        ),
        "ps3_b1_answer": (
            "counts = data.launches_per_year()\n"
            "ratio_missiles = float(sum(counts.for_year(2017).values()) / sum(counts.for_year(2016).values()))"
        ),
        "ps3_b2_answer": (
            "from collections import Counter\n"
            "per_year = Counter(d.year for d in {r.date for r in data.load_launches()})\n"
            "ratio_events = per_year[2017] / per_year[2016]"
        ),
        "ps3_b3_answer": 'closer_under = " events "',
        "ps3_c1_answer": (
            "def icbm_count(year, rule):\n"
            "    assessed = rule != 'table'\n"
            "    kinds = ['ICBM', 'Unknown'] if rule == 'upper' else ['ICBM']\n"
            "    view = data.launches_per_year(classes=kinds, start_year=year, end_year=year, assessed=assessed)\n"
            "    return int(view.total()[0])"
        ),
        "ps3_c2_answer": (
            "rows = [r for r in data.load_launches() if r.date.year == 2022]\n"
            "spread_2022 = len([r for r in rows if r.best_class == 'Unknown' or (r.best_class == 'ICBM' and r.missile_class == 'Unknown')])"
        ),
        "ps3_d1_answer": (
            "old = models.disarmament_price(0.9, 0.5, 0.2, 0.1)\n"
            "new = models.disarmament_price(0.9, 0.5, 0.05, 0.1)\n"
            "price_rise = float(new - old)"
        ),
        "ps3_d2_answer": (
            "price = models.disarmament_price(0.9, 0.5, 0.2, 0.1)\n"
            "lo, hi = 0.0, 1.0\n"
            "while hi - lo > 1e-12:  # bisection on the value of the installments\n"
            "    mid = (lo + hi) / 2\n"
            "    if 0.3 / (1 - 0.9 * mid) >= price:\n"
            "        hi = mid\n"
            "    else:\n"
            "        lo = mid\n"
            "min_survival = hi"
        ),
    },
    {  # round 4: values at the policy's precision (4 significant figures), whole floats for counts
        "ps3_a1_answer": "days_without_icbm = 1569.0  # 16 March 2022 minus 28 November 2017",
        "ps3_a2_answer": (
            "_medians = {}\n"
            "for _y in range(2013, 2026):\n"
            "    _d = sorted({r.date for r in data.load_launches() if r.date.year == _y})\n"
            "    if len(_d) > 1:\n"
            "        _medians[_y] = statistics.median(sorted((b - a).days for a, b in zip(_d, _d[1:])))\n"
            "def median_gap_days(year):\n"
            "    return _medians[year]  # worked out once for every year"
        ),
        "ps3_a3_answer": (
            "def belief_at(prior, keep_sincere, keep_stalling, year, month):\n"
            "    months = [(2018 + k // 12, k % 12 + 1) for k in range(4, (year - 2018) * 12 + month)]\n"
            "    broken = {(r.date.year, r.date.month) for r in data.load_launches() if r.missile_class == 'ICBM'}\n"
            "    broken.update((t.date.year, t.date.month) for t in data.load_nuclear_tests())\n"
            "    b = sum(m in broken for m in months)\n"
            "    k = len(months) - b\n"
            "    log_ratio = k * math.log(keep_sincere / keep_stalling) + b * math.log((1 - keep_sincere) / (1 - keep_stalling))\n"
            "    return 1 / (1 + (1 - prior) / prior * math.exp(-log_ratio))"
        ),
        "ps3_a4_answer": "belief_end_2019 = 0.9948",
        "ps3_a5_answer": "keep_stalling_even = 0.9106",
        "ps3_b1_answer": "ratio_missiles = 21 / 24",
        "ps3_b2_answer": "ratio_events = 0.9375",
        "ps3_b3_answer": "closer_under = 'EVENTS'",
        "ps3_c1_answer": (
            "def icbm_count(year, rule):\n"
            "    rows = [r for r in data.load_launches() if r.date.year == year]\n"
            "    table = [r for r in rows if r.missile_class == 'ICBM']\n"
            "    extra = [r for r in rows if r.missile_class == 'Unknown' and r.assessed_class == 'ICBM']\n"
            "    still_unknown = [r for r in rows if r.missile_class == 'Unknown' and not r.assessed_class]\n"
            "    n = len(table)\n"
            "    if rule in ('assessed', 'upper'):\n"
            "        n += len(extra)\n"
            "    if rule == 'upper':\n"
            "        n += len(still_unknown)\n"
            "    return float(n)  # a whole float"
        ),
        "ps3_c2_answer": "spread_2022 = 31.0",
        "ps3_d1_answer": "price_rise = 1.5",
        "ps3_d2_answer": "min_survival = 0.9444",
    },
]
