"""searchkey: K1 on the spec vectors, and the K3 JavaScript copy run through node."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from newsgen.searchkey import SEARCH_FOLD_JS, search_key

VECTORS = json.loads((Path(__file__).parent / "data" / "normalizer_vectors.json").read_text("utf-8"))
K_VECTORS = [v for v in VECTORS if v["id"].startswith("K-")]
NODE = shutil.which("node") or "/usr/bin/node"

# Beyond the vectors: things where Python and JavaScript could disagree.
EXTRA = [
    "\ufdfd \ufdfc \ufdf2",
    "Straße STRASSE \u1e9e İstanbul ǰ Ångström ς Σ",
    "می\u200cخواهم\u200b ی ک ۀ ہ ۂ ۓ ٱ",
    "bidi_intro.net، info@example.org +961 1 234 567",
    "٣٫٥ و٬ 1,5",
    "\u202eعكس\u202c \u2066x\u2069 \ufeff\u00ad\u2060",
    "😀 emoji \U0001d400 ①",
    "  ",
    "",
    "C++ و C#",
    "قرّرت عُلقت الـــحرب جـَــداً",
]


def test_vectors_selected() -> None:
    assert len(K_VECTORS) == 10


@pytest.mark.parametrize("vector", K_VECTORS, ids=[v["id"] for v in K_VECTORS])
def test_search_key_vectors(vector: dict) -> None:
    key = search_key(vector["input"])
    assert key == vector["expected"], ascii(key)
    assert search_key(key) == key


@pytest.mark.parametrize("text", EXTRA)
def test_search_key_idempotent(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert key == key.strip() and "  " not in key


@pytest.mark.parametrize("a, b", [
    ("غزة", "غزه"), ("مسؤول", "مسئول"), ("مستشفى", "مستشفي"), ("أوكرانيا", "اوكرانيا"),
    ("قرّرت", "قررت"), ("١١٠٠", "1100"), ("۱۱۰۰", "1100"), ("\ufefb\ufe9f\ufe8c\ufef4\ufee6", "لاجئين"),
])
def test_both_spellings_meet(a: str, b: str) -> None:
    assert search_key(a) == search_key(b)


def test_zwsp_is_a_word_break_and_zwnj_is_not() -> None:
    assert search_key("ب\u200bت") == "ب ت"
    assert search_key("ب\u200cت") == "بت"


def test_js_is_ascii() -> None:
    assert SEARCH_FOLD_JS.isascii()
    assert SEARCH_FOLD_JS.startswith("function newsgenSearchKey(s) {")


@pytest.mark.skipif(not Path(NODE).exists(), reason="node not installed")
def test_js_matches_python(tmp_path: Path) -> None:
    inputs = [v["input"] for v in K_VECTORS] + EXTRA
    script = tmp_path / "fold.js"
    script.write_text(
        SEARCH_FOLD_JS
        + "\nconst inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        + "process.stdout.write(JSON.stringify(inputs.map(newsgenSearchKey)));\n",
        encoding="utf-8",
    )
    run = subprocess.run([NODE, str(script)], input=json.dumps(inputs), capture_output=True,
                         text=True, encoding="utf-8", check=True, timeout=60)
    got = json.loads(run.stdout)
    for text, js_key in zip(inputs, got, strict=True):
        assert js_key == search_key(text), (ascii(text), ascii(js_key), ascii(search_key(text)))
    assert got[: len(K_VECTORS)] == [v["expected"] for v in K_VECTORS]


def test_dotted_capital_i_stays_one_word() -> None:
    assert search_key("İstanbul") == "istanbul"


def test_fold_is_the_one_pass_table_mapping():
    """_fold replaces str.translate for speed; it must map exactly as the table does, one pass."""
    import random

    from newsgen import searchkey

    table = str.maketrans(searchkey._TABLE)
    pool = list(searchkey._TABLE) + [chr(cp) for cp in range(0x0600, 0x0700)] + list("ab ـ،!_\u200b")
    rnd = random.Random(6)
    texts = EXTRA + ["".join(rnd.choice(pool) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    assert [searchkey._fold(t) for t in texts] == [t.translate(table) for t in texts]
