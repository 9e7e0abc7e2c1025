"""Explorers of lessons 5-7, driven headless as a student would drive them.

Each test moves controls through ``set`` and checks that the state, the text readout and the
rendered PNG follow what the model functions say, that the plot is updated in place (no artists
pile up), and that no figure leaks into pyplot.
"""

from __future__ import annotations

import html
import math

import ipywidgets as w
import numpy as np
import pytest

from course_utils import models
from course_utils.explorers import (BrinkmanshipExplorer, ChickenExplorer, CommitmentExplorer,
                                    DeterrenceExplorer, NashExplorer, RubinsteinExplorer,
                                    SignalExplorer)

ALL = [
    ("trap", lambda: CommitmentExplorer(view="trap")),
    ("shift", lambda: CommitmentExplorer(view="shift")),
    ("deterrence", DeterrenceExplorer),
    ("chicken", ChickenExplorer),
    ("brinkmanship", BrinkmanshipExplorer),
    ("nash", NashExplorer),
    ("rubinstein", RubinsteinExplorer),
    ("signal", SignalExplorer),
]


@pytest.fixture(params=ALL, ids=[name for name, _ in ALL])
def explorer(request):
    ex = request.param[1]()
    yield ex
    ex.close()


def _artist_count(ex) -> int:
    return sum(len(ax.lines) + len(ax.patches) + len(ax.texts) + len(ax.collections)
               for ax in ex.figure.axes)


def _sweep_values(control):
    """Three values across a control's range (or its options)."""
    if hasattr(control, "options") and control.options:
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    lo, hi = control.min, control.max
    values = [lo, lo + (hi - lo) / 2, hi]
    if isinstance(control, w.IntSlider):
        values = [int(round(v)) for v in values]
    return values


# --------------------------------------------------------------------------- every explorer
def test_every_control_changes_readout_and_picture_in_place(explorer):
    """Sweep each control: the readout and PNG change, the artists are updated, not added."""
    import matplotlib.pyplot as plt

    artists_before = _artist_count(explorer)
    for name, control in explorer.controls.items():
        start = control.value
        summaries, pngs = set(), set()
        for value in _sweep_values(control):
            explorer.set(**{name: value})
            assert explorer.state[name] == value
            summaries.add(explorer.summary)
            shown = explorer.image.value  # the PNG the widget shows, rendered by the update
            assert shown[:8] == b"\x89PNG\r\n\x1a\n"
            pngs.add(shown)
        assert len(pngs) > 1, f"moving {name} did not change the picture"
        assert len(summaries) > 1, f"moving {name} did not change the readout"
        explorer.set(**{name: start})
    assert _artist_count(explorer) == artists_before
    assert plt.get_fignums() == []


def test_readout_controls_labels_and_errors(explorer):
    """What a screen-reader or keyboard user relies on, and a clear refusal of bad input."""
    assert explorer.summary
    assert "course-readout-box" in explorer.readout._dom_classes  # the live region
    assert html.escape(explorer.summary) in explorer.readout.value
    assert explorer.a11y.alt == explorer.alt_text and explorer.alt_text.endswith(explorer.summary)
    assert explorer.plot_caption, "the plot says in words what it draws"
    assert explorer.summary in explorer._repr_mimebundle_()["text/plain"]  # static exports
    for name, control in explorer.controls.items():
        assert isinstance(control, (w.FloatSlider, w.IntSlider, w.ToggleButtons)), name
        assert control.description, f"{name} has no visible label"
    assert explorer.image in explorer.widget.children
    assert explorer.readout in explorer.widget.children
    for ax in explorer.figure.axes:
        assert ax.get_xlabel(), "every axis has an x label"
    assert any(ax.get_title(loc="left") or ax.get_title() for ax in explorer.figure.axes)
    assert any(ax.get_legend() is not None for ax in explorer.figure.axes)
    name, control = next(iter(explorer.controls.items()))
    bad = "nobody" if hasattr(control, "options") and control.options else control.max + 1
    with pytest.raises(ValueError, match=name):
        explorer.set(**{name: bad})
    with pytest.raises(ValueError, match="no control 'nonsense'"):
        explorer.set(nonsense=1)


# --------------------------------------------------------------------------- commitment
def test_commitment_view_must_be_known():
    with pytest.raises(ValueError, match="view must be one of"):
        CommitmentExplorer(view="treaty")


def test_trap_follows_the_model_and_names_the_sanctions_needed():
    ex = CommitmentExplorer(view="trap")
    deal = ex.state["result"].deal
    assert deal.price == pytest.approx(models.disarmament_price(0.9, 0.5, 0.2, 0.1)) == pytest.approx(2.0)
    assert not deal.deal_exists
    assert "k = 0.15" in ex.summary  # (0.5 - k - 0.2) / 0.1 <= 1.5  <=>  k >= 0.15
    ex.set(upkeep=0.2)
    assert ex.state["result"].deal.deal_exists and "deal exists" in ex.summary
    assert ex.state["result"].deal.price == pytest.approx(models.disarmament_price(0.9, 0.5, 0.2, 0.2))
    ex.set(upkeep=1.0, fallback_armed=2.0, fallback_disarmed=0.0, delta=0.9, max_upfront=1.0)
    assert ex.state["result"].deal.price == pytest.approx(10.0)  # (2 - 1 - 0) / 0.1
    assert "no pressure" in ex.summary  # even the most pressure on the slider leaves 10 > 1
    ex.close()


def test_shift_follows_powell():
    ex = CommitmentExplorer(view="shift")
    for delta, p_later in [(0.9, 0.2), (0.5, 0.2), (0.9, 0.6), (0.7, 0.0)]:
        ex.set(delta=delta, p_later=p_later)
        gap = models.commitment_gap(delta, 0.6, p_later, 0.1)
        assert ex.state["result"].gap == pytest.approx(gap)
        war = models.preventive_war(delta, 0.6, p_later, 0.1)
        assert ("preventive war" in ex.summary) == war
    ex.close()


# --------------------------------------------------------------------------- deterrence
def test_deterrence_follows_threshold_and_second_strike():
    ex = DeterrenceExplorer()
    for n, a, b, c in [(1, 0.3, 1.0, 9.0), (2, 0.1, 1.0, 4.0), (3, 0.1, 1.0, 4.0), (0, 0.5, 1.0, 0.0)]:
        ex.set(n_weapons=n, p_each=a, benefit=b, cost=c)
        r = ex.state["result"]
        assert r["p_retaliation"] == pytest.approx(1 - (1 - a) ** n)
        assert r["threshold"] == pytest.approx(b / (b + c))
        assert r["holds"] == (r["p_retaliation"] >= r["threshold"] - 1e-12)
        assert ("Deterrence holds" in ex.summary) == r["holds"]
    ex.set(benefit=1.0, cost=4.0, p_each=0.1)
    assert "fewest missiles that deter: 3" in ex.summary
    ex.set(p_each=0.0)
    assert "Not even 20" in ex.summary
    ex.close()


# --------------------------------------------------------------------------- chicken
def test_chicken_matches_the_symmetric_and_asymmetric_models():
    ex = ChickenExplorer()
    sym = models.chicken_mixed(1.0, 0.0, -1.0, -10.0)
    mixed = ex.state["result"].mixed
    assert mixed.p_dare_a == pytest.approx(sym.p_dare) == pytest.approx(mixed.p_dare_b)
    assert mixed.p_crash == pytest.approx(sym.p_crash) == pytest.approx(0.01)
    assert ex.state["result"].pure == (("dare", "swerve"), ("swerve", "dare"))
    ex.set(crash_nk=-3.0)
    mixed = ex.state["result"].mixed
    ref = models.chicken_asymmetric((1.0, 0.0, -1.0, -10.0), (1.0, 0.0, -1.0, -3.0))
    assert mixed == pytest.approx(ref)
    assert mixed.p_dare_a > mixed.p_dare_b  # the side that fears the crash more dares more
    assert f"{mixed.p_dare_a:.3f}" in ex.summary
    ex.close()


def test_chicken_own_mix_is_set_by_the_other_sides_payoffs():
    """The comparative static the docstring and lesson 7 state: when the US fears a crash more,
    the US's own dare probability stays put and North Korea dares less often."""
    ex = ChickenExplorer()
    before = ex.state["result"].mixed
    ex.set(crash_us=-25.0)  # the US fears a crash more
    after = ex.state["result"].mixed
    assert after.p_dare_a == pytest.approx(before.p_dare_a)
    assert after.p_dare_b < before.p_dare_b
    ex.set(crash_nk=-25.0)  # now North Korea fears it more too: the US dares less
    assert ex.state["result"].mixed.p_dare_a < after.p_dare_a
    assert "North Korea dares *less* often" in ChickenExplorer.__doc__
    ex.close()


def test_chicken_against_an_independent_solver():
    nashpy = pytest.importorskip("nashpy")
    ex = ChickenExplorer(temptation=2.0, crash_us=-6.0, crash_nk=-12.0)
    A, B = models.chicken_matrices(ex.payoffs(2.0, -6.0), ex.payoffs(2.0, -12.0))
    found = list(nashpy.Game(A, B).support_enumeration())
    mixed = [eq for eq in found if 0 < eq[0][0] < 1]
    assert len(found) == 3 and len(mixed) == 1
    (row, col), = mixed
    eq = ex.state["result"].mixed
    assert eq.p_dare_a == pytest.approx(row[0]) and eq.p_dare_b == pytest.approx(col[0])
    ex.close()


# --------------------------------------------------------------------------- brinkmanship
def test_brinkmanship_window_verdict_and_cumulative_risk():
    ex = BrinkmanshipExplorer()
    r = ex.state["result"]
    assert (round(r.window.q_min, 3), round(r.window.q_max, 3)) == (0.1, 0.259)
    assert "inside the window" in ex.summary
    ex.set(q=0.05)
    assert "too small to deter" in ex.summary
    ex.set(q=0.5)
    assert "too dangerous" in ex.summary
    ex.set(p_hardliner=0.9, q=0.2)
    w_ = models.brinkmanship_window(1.0, 9.0, 2.0, 20.0, 0.9)
    assert not w_.feasible and "No risk works" in ex.summary
    ex.set(n_crises=10, q=0.05)
    assert ex.state["result"].cumulative == pytest.approx(1 - 0.95 ** 10)
    assert "0.40" in ex.summary
    ex.close()


# --------------------------------------------------------------------------- Nash
def test_nash_deal_moves_with_the_us_cost_of_war():
    ex = NashExplorer()
    shares = []
    for cost_us in (0.0, 0.25, 0.5):
        ex.set(cost_us=cost_us)
        r = ex.state["result"]
        # p = 0.7 is the US's chance in war: war gives the US p - c_US, North Korea 1 - p - c_NK
        expected = models.nash_bargaining(1 - 0.7 - 0.3, 0.7 - cost_us)
        assert (r.d_nk, r.d_us) == pytest.approx((0.0, 0.7 - cost_us))
        assert r.split == pytest.approx(expected)
        assert r.split.b == pytest.approx(0.7 + (0.3 - cost_us) / 2)  # x = p + (c_NK - c_US)/2
        assert r.surplus == pytest.approx(0.3 + cost_us)  # the two costs of war a deal saves
        assert f"North Korea {r.split.a:.2f}" in ex.summary
        shares.append(r.split.a)
    assert shares == sorted(shares) and shares[0] < shares[-1]
    ex.close()


# --------------------------------------------------------------------------- Rubinstein
def test_rubinstein_shares_limit_and_who_moves_first():
    ex = RubinsteinExplorer()
    r = ex.state["result"]
    d = math.exp(-0.1)
    assert r.shares.proposer == pytest.approx((1 - d) / (1 - d * d))
    ex.set(rate_nk=0.05, rate_us=0.1, period=0.1)
    r = ex.state["result"]
    assert r.first == "North Korea"
    assert r.limit.proposer == pytest.approx(2 / 3)
    assert abs(r.shares.proposer - 2 / 3) < 0.01
    ex.set(first="US")
    r = ex.state["result"]
    assert r.first == "US" and r.limit.proposer == pytest.approx(1 / 3)
    expected = models.rubinstein_shares(math.exp(-0.1 * 0.1), math.exp(-0.05 * 0.1))
    assert r.shares == pytest.approx(expected)
    assert "US proposes first" in ex.summary
    ex.close()


# --------------------------------------------------------------------------- signal
def test_signal_kinds_and_invalid_values():
    ex = SignalExplorer()
    for cost, kind in [(0.2, "pooling"), (0.6, "separating"), (1.5, "none")]:
        ex.set(cost=cost)
        assert ex.state["result"].signal == models.moratorium_signal(0.3, 1.0, 0.4, cost)
        assert ex.state["result"].signal.kind == kind
    ex.set(cost=0.6)
    assert "0.30 to 1.00" in ex.summary
    png_valid = ex.png()
    ex.set(value_stalling=1.5)
    assert ex.state["result"].signal is None
    assert "Lower V_T or raise V_S" in ex.summary
    assert ex.png() != png_valid
    ex.set(value_stalling=0.4)
    assert ex.state["result"].signal.kind == "separating"
    ex.close()


def test_signal_plot_belief_line_is_the_model():
    ex = SignalExplorer()
    line = ex.artists["belief"]
    xs, ys = line.get_data()
    ref = np.array([models.moratorium_signal(0.3, 1.0, 0.4, c).posterior for c in xs])
    assert np.allclose(ys, ref)
    ex.close()


# --------------------------------------------------------------------------- fast redraws
def _pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_fast_redraw_shows_the_same_picture_as_a_full_draw(explorer):
    """The widget's PNG (kept background + moving artists) matches a full ``savefig`` after
    every control has moved: nothing stale is left behind, nothing is missing."""
    import io

    for name, control in explorer.controls.items():
        explorer.set(**{name: _sweep_values(control)[-1]})
    fast = _pixels(explorer.image.value)
    buf = io.BytesIO()
    explorer.figure.savefig(buf, format="png")
    full = _pixels(buf.getvalue())
    assert fast.shape == full.shape
    differs = np.abs(fast - full).max(axis=2) > 60
    # only drawing order may differ (moving artists are drawn last): under 0.1% of pixels here,
    # while one stale axis label left in the kept background makes about 0.24% differ
    assert differs.mean() < 0.0015, f"{differs.mean():.3%} of pixels differ from a full draw"


# --------------------------------------------------------------------------- lesson questions
def _correct_text(lesson: str, key: str) -> str:
    from course_utils.checks import get_question

    q = get_question(lesson, key)
    return q.options[q.correct]


def test_lesson06_answers_agree_with_the_models():
    assert _correct_text("lesson06", "price") == f"{models.disarmament_price(0.9, 0.5, 0.2, 0.1):.1f}"
    k = np.round(np.arange(0, 0.31, 0.01), 2)
    deal = np.asarray(models.disarmament_deal(0.9, 0.5, 0.2, k, max_upfront=1.5).deal_exists)
    assert _correct_text("lesson06", "sanctions") == f"k ≥ {k[deal][0]:.2f}"
    assert models.preventive_war(0.9, 0.6, 0.2, 0.1) and not models.preventive_war(0.5, 0.6, 0.2, 0.1)
    assert _correct_text("lesson06", "shift") == "A deal survives the shift"


def test_lesson07_answers_agree_with_the_models():
    assert _correct_text("lesson07", "crash") == f"{models.chicken_mixed(1, 0, -1, -10).p_crash:.0%}"
    low, high = (models.brinkmanship_window(1, 9, 2, 20, h).q_max for h in (0.2, 0.6))
    assert high < low and _correct_text("lesson07", "hardliner").startswith("It narrows")


def test_lesson08_answers_agree_with_the_models():
    n = np.arange(0, 11)
    enough = n[np.asarray(models.deterrence_holds(models.retaliation_probability(n, 0.1), 1, 4))]
    assert _correct_text("lesson08", "missiles") == str(enough[0])
    assert _correct_text("lesson08", "nash") == f"{models.nash_bargaining(0.65, 0.05).a:.2f}"


def test_lesson09_answers_agree_with_the_models():
    assert _correct_text("lesson09", "shares") == f"{models.rubinstein_shares(0.9, 0.9).proposer:.3f}"
    assert models.rubinstein_limit(0.05, 0.1).proposer == pytest.approx(2 / 3)
    assert _correct_text("lesson09", "patience") == "2/3"
    assert models.moratorium_signal(0.3, 1.0, 0.4, 0.2) == ("pooling", 0.3)
    assert _correct_text("lesson09", "signal").startswith("0.3")
    assert models.mediator_credible(0.5) and not models.mediator_credible(-0.5)


def test_lesson10_answers_agree_with_the_data():
    from course_utils import data

    counts = data.launches_per_year(start_year=2018, end_year=2025)
    assert _correct_text("lesson10", "pause") == str(sum(counts.for_year(2018).values()))
    busiest = int(counts.years[np.argmax(counts.total())])
    assert _correct_text("lesson10", "surge") == str(busiest)


# --------------------------------------------------------------------------- notation
def test_p_is_the_us_chance_of_winning_in_every_explorer():
    """One notation course-wide (issue 14): a control named p is the US's chance in war."""
    import course_utils.explorers as registry

    for name in registry._EXPLORERS:
        cls = getattr(registry, name)
        ex = cls()
        if "p" in ex.controls:
            label = ex.controls["p"].description
            assert "US chance" in label, f"{name}'s p is labelled {label!r}"
        ex.close()


# --------------------------------------------------------------------------- fast pictures
def test_png_encoder_writes_each_frame_exactly():
    """The banded PNG of a frame decodes to that frame, also when only some bands changed."""
    import io

    from PIL import Image

    from course_utils.explorers._fast import PngEncoder

    rng = np.random.default_rng(7)
    frame = np.full((53, 37, 4), 255, dtype=np.uint8)
    encoder = PngEncoder()
    for step in range(4):
        if step:  # change a few rows, one of them on a band boundary
            rows = rng.choice(53, size=3, replace=False).tolist() + [16]
            frame[rows, :, :3] = rng.integers(0, 256, size=(len(rows), 37, 3), dtype=np.uint8)
        decoded = np.asarray(Image.open(io.BytesIO(encoder.encode(frame))).convert("RGBA"))
        assert np.array_equal(decoded, frame), f"frame {step} differs after encoding"


def test_cached_text_is_drawn_like_agg_and_the_same_on_every_draw():
    """A string's cached bitmap gives the same pixels on every draw, and the same ink as
    matplotlib's own Agg (at most half a pixel away: drawn at a whole pixel)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from course_utils.explorers._fast import _Canvas

    def frames(canvas_class):
        fig = Figure(figsize=(3, 1.2), dpi=80)
        fig.text(0.05, 0.5, "Alternating offers: 0.53", fontsize=9, color="#D55E00")
        fig.text(0.9, 0.1, "rotated", rotation=90, fontsize=8)
        canvas = canvas_class(fig)
        out = []
        for _ in range(2):
            canvas.draw()
            out.append(255 - np.asarray(canvas.buffer_rgba())[:, :, :3].astype(float).mean(axis=2))
        return out

    stock, _ = frames(FigureCanvasAgg)
    first, second = frames(_Canvas)
    assert np.array_equal(first, second), "a cached string must paint as it did the first time"
    assert first.sum() == pytest.approx(stock.sum(), rel=0.05)  # the same ink
    ys, xs = np.indices(stock.shape)
    for axis in (xs, ys):  # ink centred within a pixel of Agg's
        assert abs((axis * first).sum() / first.sum() - (axis * stock).sum() / stock.sum()) < 1.0


def test_kept_legend_shows_what_a_full_draw_shows_inside_and_over_the_lines():
    """The discounting explorer's legend is drawn once and then pasted (``kept_legends``): after
    moves that carry the dashed limit line under it and back, the legend box in the widget's
    PNG is the one a full ``savefig`` draws, and it still hides the lines it covers."""
    import io

    from course_utils.explorers import DiscountExplorer

    ex = DiscountExplorer()
    for delta, periods in ((0.5, 3), (0.97, 60), (0.8, 20)):
        ex.set(delta=delta, periods=periods)
        buf = io.BytesIO()
        ex.figure.savefig(buf, format="png")
        fast, full = _pixels(ex.image.value), _pixels(buf.getvalue())
        box = ex.artists["legend"].get_window_extent(ex.figure.canvas.get_renderer())
        height = fast.shape[0]
        rows = slice(int(height - box.y1), int(np.ceil(height - box.y0)))
        cols = slice(int(box.x0), int(np.ceil(box.x1)))
        differs = np.abs(fast[rows, cols] - full[rows, cols]).max(axis=2) > 60
        assert differs.mean() < 0.002, f"δ={delta}: {differs.mean():.2%} of the legend differs"
    ex.close()


def test_every_label_a_window_can_show_is_rendered_before_it_is_first_shown():
    """The crisis explorer's first picture lays out and renders every event number, magnitude
    and year, hidden ones too: a window of years seen for the first time then renders no new
    string (each new string costs a FreeType pass inside that one change)."""
    from course_utils.explorers import CrisisExplorer

    ex = CrisisExplorer()
    ex.png()
    renderer = ex.figure.canvas.get_renderer()
    labels = ex.artists["labels"] + ex.artists["years"]
    hidden = [t for t in labels if not t.get_visible()]
    assert hidden, "the default window should leave some labels hidden"
    rendered = set(renderer._strings)
    for start, end in ((1984, 1990), (1998, 2006), (2019, 2024)):
        ex.set(start_year=start, end_year=end)
        new = set(renderer._strings) - rendered
        # only the readout's count ticks may bring strings of their own (numbers of a new scale)
        assert all(key[0].isdigit() and len(key[0]) <= 3 for key in new), new
        first_rendered = {(key[0], key[6]) for key in new}  # (string, size in points)
        assert not {(t.get_text(), t.get_fontsize()) for t in labels} & first_rendered, \
            "a label of the timeline was first rendered when its window was shown"
        rendered |= new
    ex.close()


@pytest.mark.parametrize("size", [7, 9, 12.5])
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_a_string_built_from_kept_glyphs_is_the_string_freetype_renders(size, weight):
    """A new string is put together from glyph bitmaps rendered once each: the result is the
    bitmap Agg's own text drawing makes of it, pixel for pixel (kerned pairs, accents, Greek,
    digits), and a string of glyphs met before, at the same places within a pixel, renders none."""
    from matplotlib.font_manager import FontProperties

    from course_utils.explorers._fast import TextCachingRenderer, _GlyphRecorder, _merge

    renderer = TextCachingRenderer(400, 200, 80)
    gc = renderer.new_gc()
    prop = FontProperties(size=size, weight=weight)
    strings = ["North Korea 0.29", "US 0.71", "AVATAR To Wa", "année, Δ months", "r_NK = 0.05 / 1"]
    for i, s in enumerate(strings):
        x, y = 37 + 3 * i, 90 + i
        built = _merge(renderer._glyphs_of(gc, x, y, s, prop, None))
        recorder, agg = _GlyphRecorder(), renderer._renderer
        renderer._renderer = recorder
        try:
            RendererAgg_draw_text(renderer, gc, x, y, s, prop)
        finally:
            renderer._renderer = agg
        whole = _merge(recorder.glyphs)
        assert built[1:] == whole[1:], f"{s!r} is placed elsewhere"
        assert np.array_equal(built[0], whole[0]), f"{s!r} differs from FreeType's own rendering"
    kept = len(renderer._glyphs)
    for s in strings:  # the same strings again, whole pixels away
        renderer._glyphs_of(gc, 37 + 11, 90 + 5, s, prop, None)
    assert len(renderer._glyphs) == kept, "a glyph met before was rendered again"


def RendererAgg_draw_text(renderer, gc, x, y, s, prop):  # noqa: N802 - names Agg's method
    """matplotlib's own Agg text drawing (the method TextCachingRenderer overrides)."""
    from matplotlib.backends.backend_agg import RendererAgg

    RendererAgg.draw_text(renderer, gc, x, y, s, prop, 0)
