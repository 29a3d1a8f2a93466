"""Related articles: the ranking rules on hand-made sites, and the fast path equal to the plain loop."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from newsgen import related, related_fast, related_keys
from newsgen.model import Article
from newsgen.related import related_articles
from newsgen.searchkey import search_key

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def article(name: str, title: str, day: int = 0, tags: tuple[str, ...] = (), summary: str = "") -> Article:
    return Article(source=Path(f"seeds/{name}.txt"), source_id=f"seeds/{name}.txt", format="native", title=title,
                   date=START + timedelta(days=day), slug=name, body="", body_line=1, summary=summary, tags=tags)


def site(*articles: Article) -> list[Article]:
    """Newest first, as the build passes them."""
    return sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug, a.source_id))


def names(result: dict[str, tuple[Article, ...]], name: str) -> list[str]:
    return [a.slug for a in result[f"seeds/{name}.txt"]]


def fillers(count: int) -> list[Article]:
    """Articles that share nothing: they only make the site big enough for words to differ in rarity."""
    return [article(f"z{i:03d}", f"filler{i:03d}", day=-100 - i) for i in range(count)]


def test_a_shared_tag_beats_shared_words():
    arts = site(article("a", "alpha bravo charlie delta", tags=("غزة",)),
                article("b", "omega", day=-1, tags=("غزة",)),
                article("c", "alpha bravo charlie delta", day=1))
    assert names(related_articles(arts, 5), "a") == ["b", "c"]


def test_rare_words_beat_common_ones():
    # 100 articles: a word in 2 of them weighs log(50), one in 5 weighs log(20), one in 6 (over 5%) nothing
    arts = site(article("a", "rare common often"), article("b", "rare", day=-9),
                *(article(f"c{i}", "common", day=i) for i in range(4)),
                *(article(f"o{i}", "often", day=i) for i in range(5)), *fillers(89))
    got = names(related_articles(arts, 5), "a")
    assert got == ["b", "c3", "c2", "c1", "c0"]
    assert names(related_articles(arts, 5), "o0") == []


def test_two_common_words_beat_one_rare_word():
    arts = site(article("a", "rare common other"), article("b", "rare", day=5),
                article("c", "common other"), *(article(f"c{i}", "common other", day=-i - 1) for i in range(3)),
                *fillers(94))
    assert names(related_articles(arts, 2), "a") == ["c", "c0"]


def test_ties_go_to_the_newest_then_the_lower_source_id():
    arts = site(article("a", "shared"), article("old", "shared", day=-3),
                article("new2", "shared", day=2), article("new1", "shared", day=2), *fillers(96))
    assert names(related_articles(arts, 5), "a") == ["new1", "new2", "old"]


def test_limit_and_never_itself():
    arts = site(*(article(f"s{i}", "same words here", day=i) for i in range(6)), *fillers(114))
    result = related_articles(arts, 3)
    assert names(result, "s0") == ["s5", "s4", "s3"]
    assert all(len(result[f"seeds/s{i}.txt"]) == 3 for i in range(6))
    assert all(a.source_id != k for k, v in result.items() for a in v)


def test_nothing_to_relate():
    lone = article("a", "alpha")
    assert related_articles([lone], 5) == {"seeds/a.txt": ()}
    assert related_articles([], 5) == {}
    arts = site(lone, article("b", "alpha", day=1), article("c", "bravo"))
    assert related_articles(arts, 0) == {a.source_id: () for a in arts}
    assert names(related_articles(arts, 5), "c") == []
    pair = site(article("a", "alpha"), article("b", "alpha", day=1))  # the word weighs log(2 / 2) = 0
    assert names(related_articles(pair, 5), "a") == ["b"]


def test_a_tag_on_over_5_percent_counts_only_nearby():
    arts = site(*(article(f"t{i}", f"title{i}", day=-i, tags=("عاجل",)) for i in range(10)), *fillers(30))
    assert names(related_articles(arts, 2), "t5") == ["t3", "t4"]  # places 3, 4, 6, 7 in the tag's list


def test_a_repeated_tag_counts_twice():
    arts = site(article("a", "alpha bravo", tags=("x", "x")), article("b", "alpha bravo", day=1),
                article("c", "omega", day=-1, tags=("x",)))
    assert names(related_articles(arts, 5), "a") == ["c", "b"]


def test_keys_found_late_still_count(monkeypatch: pytest.MonkeyPatch):
    """o shares three keys with a, but first meets it in the pair group of a long article (x), with only
    two of them; its own three-key group must still bring its full score."""
    monkeypatch.setattr(related_fast, "_CHEAP", 0)  # list key sets up to five, so three keys are a group head
    monkeypatch.setattr(related_fast, "_LONG", 4)
    arts = site(article("a", "alpha bravo charlie delta"), article("o", "alpha bravo charlie echo", day=-2),
                article("p", "alpha delta", day=-1), article("x", "alpha charlie kilo lima mike november oscar"),
                article("y", "kilo lima mike november oscar"), *fillers(95))
    assert names(related_articles(arts, 2), "a") == ["o", "p"]


TRICKY = ["", "قمة غزة الأولى", "\ufdfa خبر", "word\u200bjoined", "\u0301lead mark", "nbsp\u00a0split",
          "UPPER Case ﻻبأس", "تـــطويل", "\ufdfd", "x y zz", "مسئول مسؤول", "ǰ İstanbul ß"]


@pytest.mark.parametrize("odd", [[], ["\u16a0 runic \u16a0\u16a0"], ["gap \x00 inside"]])
def test_title_words_are_k1_words_of_each_title(odd: list[str]):
    """All titles are keyed in one call; a title holding the marks used to split that call still works."""
    tricky = TRICKY + odd
    arts = [article(f"k{i}", t, summary=tricky[-1 - i]) for i, t in enumerate(tricky)]
    art, word, words = related_keys._title_words(arts)
    got = [set() for _ in arts]
    for i, w in zip(art.tolist(), word.tolist()):
        got[i].add(words[w])
    want = [{w for w in search_key(a.title + " " + a.summary).split() if len(w) >= 3} for a in arts]
    assert got == want


def test_order_is_a_stable_lexicographic_argsort():
    rng = np.random.default_rng(1)
    for top in (3, 1 << 40, 1 << 61):  # narrow columns are packed into one sort; wide ones go one at a time
        cols = [rng.integers(0, top, 500), rng.integers(0, 4, 500)]
        assert related_keys._order(*cols).tolist() == np.lexsort(cols[::-1]).tolist()


def random_site(rng: random.Random, n: int, copies: bool) -> list[Article]:
    """Titles cut from one short text, so they overlap a lot as in the benchmark corpus (with `copies`:
    in near-copies of a few base titles); tags from a small pool, one on most articles; equal dates;
    some summaries with many keys, two of them more than a mask has bits."""
    text = [f"w{rng.randrange(150)}" for _ in range(300)]
    bases = [text[at: at + 10] for at in range(0, 290, 10)]
    tags = [f"t{i}" for i in range(12)]
    long = " ".join(f"sum{i}" for i in range(70))
    arts = []
    for i in range(n):
        at = rng.randrange(len(text) - 12)
        words = rng.sample(rng.choice(bases), rng.randint(5, 10)) if copies else text[at: at + rng.randint(0, 12)]
        mine = tuple(rng.sample(tags, rng.randint(0, 2))) + (("big",) if rng.random() < 0.4 else ())
        summary = long if i < 2 else " ".join(rng.sample(text, 20)) if rng.random() < 0.1 else ""
        arts.append(article(f"r{i:03d}", " ".join(words), day=rng.randrange(n // 3), tags=mine, summary=summary))
    return site(*arts)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("copies", [False, True])
@pytest.mark.parametrize("tuning", [{}, {"_CHUNK": 64, "_LONG": 4, "_LEVELS": 3}, {"_LEVELS": 2},
                                    {"_CHEAP": 0, "_LONG": 6}])
def test_fast_path_equals_the_plain_loop(seed: int, copies: bool, tuning: dict[str, int],
                                         monkeypatch: pytest.MonkeyPatch):
    for name, value in tuning.items():  # small chunks, low limits, deep levels: every path on a small site
        monkeypatch.setattr(related_fast, name, value)
    rng = random.Random(seed)
    arts = random_site(rng, rng.randint(20, 160), copies)
    for limit in (1, 3, 5):
        plain = related._plain(arts, limit, range(len(arts)))
        want = {a.source_id: tuple(arts[o] for o in plain[i]) for i, a in enumerate(arts)}
        assert related_articles(arts, limit) == want
