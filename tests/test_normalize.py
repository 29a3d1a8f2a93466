"""Display-text normalizer: the spec vectors (each run twice, O3) and focused tests of the findings."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from bidi import get_display

from newsgen.chars import BIDI_CONTROL_RE
from newsgen.decode import decode
from newsgen.forms import POSITIONAL_RE
from newsgen.model import FLAG, INFO
from newsgen.normalize import RULES, Normalized, get_rule, normalize
from newsgen.rulekit import Doc

ROOT = Path(__file__).resolve().parents[1]
VECTORS = json.loads((ROOT / "tests/data/normalizer_vectors.json").read_text(encoding="utf-8"))
SEED = ROOT / "seeds/000_a63a7b9a017dd040.txt"

# Vectors of the display pipeline (spec §1 up to DISPLAY TEXT). Every other vector belongs to
# another stage; test_every_vector_has_an_owner makes sure none is dropped silently.
MINE = re.compile(r"^(?:E-(?!09)|N-|P-|V-|T-|U-|W-|B-0[1-58]$|D-10$)")
OTHER_STAGES = {
    "E-09": "loader (E6 header parsing)",
    "B-06": "text-only contexts (B8)", "B-07": "text-only contexts (B8)",
    "H-": "HTML fragment (B5-B9, U4)", "D-": "dates (D2-D6)", "S-": "slugs (S1-S8)",
    "K-": "search key (K1)", "PF-": "Pagefind observations (K2)",
}
# Vectors whose expected value is the output of one rule, not of the whole pipeline.
RULE_LEVEL = {"E-02": "E5-line-endings", "E-06": "E4-mojibake", "E-07": "E5-controls", "E-08": "E5-line-endings"}


def show(text: str) -> str:
    """Invisible characters made visible for assertion messages."""
    return ascii(text)


def as_display(expected: str) -> str:
    """W2: every non-empty line is a paragraph, paragraphs separated by one blank line."""
    return "\n\n".join(line for line in expected.split("\n") if line)


def source_text(vector: dict) -> str:
    raw = vector["input"]
    return decode(bytes.fromhex(raw[4:])).text if raw.startswith("hex:") else raw


def mine() -> list[dict]:
    return [v for v in VECTORS if MINE.match(v["id"])]


def test_every_vector_has_an_owner() -> None:
    for v in VECTORS:
        owned = MINE.match(v["id"]) or v["id"] in OTHER_STAGES
        owned = owned or any(v["id"].startswith(p) for p in OTHER_STAGES if p.endswith("-"))
        assert owned, f"vector {v['id']} ({v['rule']}) is neither tested here nor owned elsewhere"
    assert len(mine()) == 59   # E 9 (E-09 is the loader's), N 2, P 8, V 8, B 6, T 7, U 9, W 8, D-10


@pytest.mark.parametrize("vector", mine(), ids=lambda v: v["id"])
def test_vector_display_text_twice(vector: dict) -> None:
    text = source_text(vector)
    # V-08 is a V3 vector: one line cannot decide its order (V5), so it is given as visual.
    order = "visual" if vector["id"] == "V-08" else None
    first = normalize(text, order=order)
    expected = as_display(vector["expected"])
    if vector["id"] == "E-06":   # E4 must not touch it; P1 later maps the stray ﻻ
        expected = expected.replace("\ufefb", "\u0644\u0627")
    assert first.text == expected, f"{vector['id']}: {show(first.text)} != {show(expected)}"
    second = normalize(first.text)
    assert second.text == first.text, f"{vector['id']} not idempotent: {show(second.text)}"


def vector(vid: str) -> dict:
    return next(v for v in VECTORS if v["id"] == vid)


@pytest.mark.parametrize("vid", sorted(RULE_LEVEL))
def test_vector_rule_level(vid: str) -> None:
    step = get_rule(RULE_LEVEL[vid])(vector(vid)["input"], Doc())
    assert step.text == vector(vid)["expected"]


def test_seed_changes_only_the_misquote() -> None:
    header, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    result = normalize(body, first_line=2)
    before = as_display(body).split("\n")
    after = result.text.split("\n")
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert changed[0][0].replace("\u0628\u0640\u201d", "\u0628\u0640\u201c") == changed[0][1]
    assert [f.code for f in result.findings] == ["quote-fixed"] and result.findings[0].line == 47
    assert result.order == "logical"
    title = header.split(" ", 3)[3]
    assert normalize(title, order=result.order, first_line=1) == Normalized(title, "logical", ())


def codes(result: Normalized) -> list[str]:
    return [f.code for f in result.findings]


def test_bidi_override_flag_with_line() -> None:
    result = normalize("سطر\n\nعنوان \u202eخبر عاجل", first_line=5)
    override = next(f for f in result.findings if f.code == "bidi-override")
    assert (override.severity, override.line, override.count) == (FLAG, 7, 1)
    assert "bidi-unbalanced" in codes(result) and not BIDI_CONTROL_RE.search(result.text)


def test_balanced_embedding_is_not_flagged_but_marks_are_counted() -> None:
    result = normalize("قال \u202aabc\u202c اليوم \u200fترامب\u200f")
    assert codes(result) == ["bidi-controls-removed", "marks-removed"]
    assert [f.count for f in result.findings] == [2, 2]
    assert all(f.severity == INFO for f in result.findings)


def test_c0_controls_are_removed_and_reported() -> None:
    result = normalize("نص\u0002 عربي")
    assert result.text == "نص عربي"
    assert [(f.code, f.severity) for f in result.findings] == [("controls-removed", INFO)]


def test_c1_controls_are_removed_and_flagged() -> None:
    result = normalize("نص\u0090 عربي\u0085تابع")
    assert result.text == "نص عربي\n\nتابع"
    assert {f.code for f in result.findings} == {"c1-controls"}
    assert all(f.severity == FLAG for f in result.findings)


def test_latin1_mojibake_repaired_before_c1_removal() -> None:
    clean = "الولايات المتحدة وروسيا ستستأنفان حوارهما العسكري"
    result = normalize(clean.encode("utf-8").decode("latin-1"))
    assert result.text == clean and codes(result) == ["mojibake-repaired"]


def test_order_visual_and_undecided() -> None:
    visual = normalize(vector("V-02")["input"])
    assert (visual.order, visual.text) == ("visual", "السلام عليكم")
    assert next(f for f in visual.findings if f.code == "order").severity == INFO
    undecided = normalize(vector("V-06")["input"])
    flag = next(f for f in undecided.findings if f.code == "order-undecided")
    assert undecided.order == "undecided" and flag.severity == FLAG
    assert normalize(vector("V-07")["input"]).order == "logical"


def test_title_inherits_the_body_order() -> None:
    title = vector("V-01")["input"]
    assert normalize(title, order="visual").text == vector("V-01")["expected"]
    # Without the body's decision the title stays reversed, and lam-alef decomposes backwards (P2).
    assert normalize(title, order="logical").text == "ةدحتملا ةيبرعلا تاراملإا"
    assert normalize(title, order="undecided").text == "ةدحتملا ةيبرعلا تاراملإا"


def test_visual_unverified_and_needs_review_carry_source_lines() -> None:
    logical = ["قال الرئيس إن الحرب ستنتهي قريبا في المنطقة", "وأكدت المصادر أن المفاوضات مستمرة بين الطرفين"]
    body = "\n".join([
        get_display(logical[0], base_dir="R"),
        "",
        "ةلاسر 12abc",          # no candidate reproduces this line under UAX #9
        get_display(logical[1], base_dir="R"),
        "اذك in 2021 لاق",      # Latin next to a number: two logical readings (V-08)
    ])
    result = normalize(body, first_line=3)
    assert result.order == "visual"
    lines = {f.code: f.line for f in result.findings}
    assert lines["visual-unverified"] == 5 and lines["needs-review"] == 7
    paragraphs = result.text.split("\n\n")
    assert paragraphs[0] == logical[0] and paragraphs[2] == logical[1] and paragraphs[1] == "ةلاسر 12abc"
    assert normalize(result.text).text == result.text


def test_quote_fixed_only_in_a_document_that_opens_with_201c() -> None:
    fixed = normalize("سطر\nقال بـ”أضرار جسيمة” للبنية", first_line=10)
    assert fixed.findings[0].code == "quote-fixed" and fixed.findings[0].line == 11
    cldr = normalize("دعا إلى ”نتائج أسرع“ اليوم بـ”أضرار")
    assert "quote-fixed" not in codes(cldr) and "بـ”أضرار" in cldr.text


def test_quotes_unbalanced_per_paragraph() -> None:
    result = normalize("قال \"نعم\" اليوم\nقال \"لا اليوم\n«نص»", first_line=2)
    flagged = [f.line for f in result.findings if f.code == "quotes-unbalanced"]
    assert flagged == [3]


def test_orphan_marks_counted() -> None:
    result = normalize("كلمة َ أخرى\n\u0651بداية")
    assert result.text == "كلمة أخرى\n\nبداية"
    orphan = next(f for f in result.findings if f.code == "orphan-marks")
    assert (orphan.count, orphan.line) == (2, 1)


def test_pairs_behind_a_double_space_are_not_missed() -> None:
    """The fast paths read space pairs without overlap: "  َ" and "  ،" must still be seen."""
    result = normalize("كلمة  َ أخرى")
    assert result.text == "كلمة أخرى" and codes(result) == ["orphan-marks"]
    assert normalize("كلمة  ، أخرى", disable=["W2-collapse"]).text == "كلمة، أخرى"
    assert normalize("كلمة ، أخرى\nنص  ؛ آخر", disable=["W2-collapse"]).text == "كلمة، أخرى\n\nنص؛ آخر"


def test_nfc_reorders_marks_made_adjacent_by_later_rules() -> None:
    """N1-final is skipped only while nothing but U3 changed the text since N1."""
    assert normalize("ب\u0651\u0640\u064eت").text == "ب\u064e\u0651ت"   # T1 drops the kashida between them
    assert normalize("ب\u0651\u064eت").text == "ب\u064e\u0651ت"          # out of order from the start


def test_output_holds_no_controls_forms_or_bidi() -> None:
    nasty = "\u202b\u200fنص\u0002 \uFEDF\uFEB4\u00a0\u200b\u2066x\u2069\r\n\u0085\uFEFF\uFE8D\u0640\u0640"
    result = normalize(nasty)
    assert not BIDI_CONTROL_RE.search(result.text) and not POSITIONAL_RE.search(result.text)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.text)
    assert normalize(result.text).text == result.text


def test_unknown_rule_names_and_orders_are_errors() -> None:
    with pytest.raises(ValueError, match="no-such-rule"):
        normalize("نص", disable=["no-such-rule"])
    with pytest.raises(ValueError):
        get_rule("N1")
    with pytest.raises(ValueError):
        normalize("نص", order="reversed")
    kept = normalize("بـ”أضرار” “نص”", disable=["U3-quotes"])
    assert kept.text == "بـ”أضرار” “نص”"


def test_rules_are_named_and_in_spec_order() -> None:
    names = [name for name, _ in RULES]
    assert len(names) == len(set(names))
    order = [n.split("-")[0][0] for n in names]
    assert order.index("V") < order.index("P") < names.index("N1-nfc") < order.index("B")
    assert names[-1] == "W2-paragraphs" and names.index("T2-orphan-marks") < names.index("W1-spaces")


NASTY = (list("ابتجحدرسعفقكلمنهويةىأإؤئ abcXY0129٠١۱۲\n\t\r\u00a0,;?.:!()«»“”\"-–/%")
         + ["\u0640", "\u064b", "\u064e", "\u0651", "\u0654", "\u200b", "\u200c", "\u200d", "\u2060",
            "\ufeff", "\u00ad", "\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202e",
            "\u2067", "\u2069", "\u0085", "\u2028", "\u2029", "\u0001", "\u0090", "\ufefb", "\ufedf",
            "\ufe8e", "\ufe91", "\ufe76", "\ufdf2", "ط§", "ظ„", "Ø§", "Ù„", "ـ”"])


@pytest.mark.parametrize("seed", range(4))
def test_idempotent_on_random_text(seed: int) -> None:
    """O3 on strings built from every character class a rule touches (interactions included)."""
    rnd = random.Random(seed)
    for _ in range(250):
        text = "".join(rnd.choice(NASTY) for _ in range(rnd.randint(0, 40)))
        first = normalize(text)
        assert normalize(first.text).text == first.text, show(text)
        assert not BIDI_CONTROL_RE.search(first.text) and not POSITIONAL_RE.search(first.text)


def test_idempotent_on_partly_restorable_visual_text() -> None:
    """A visual document whose lines verify only once later rules removed their controls."""
    lines = ["قال الرئيس إن الحرب ستنتهي قريبا في المنطقة", "وأكدت المصادر أن المفاوضات مستمرة بين الطرفين"]
    body = "\n".join("\u202e" + get_display(line, base_dir="R") for line in lines)
    first = normalize(body)
    assert (first.order, first.text) == ("visual", "\n\n".join(lines))
    assert normalize(first.text).text == first.text
