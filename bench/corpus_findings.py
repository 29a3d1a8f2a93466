"""Decode and normalize every article of a corpus; report time, crashes, findings and leftovers.

    python bench/corpus_findings.py /work/shared/corpus/ant-multisource-v2.1 [--no-idempotence]

Each file: line 1 is the header `date YYYY-MM-DD <title>` (spec E6), the rest is the body. The body
is normalized first (order decided per document), then the title with the body's order (V5).
The output must hold no bidi control, no positional presentation form and no C0/C1 control but LF.
With idempotence on (the default), every output is normalized again and must not change (O3).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from newsgen.chars import BIDI_CONTROL_RE
from newsgen.decode import decode, quarantine_reason
from newsgen.forms import POSITIONAL_RE
from newsgen.normalize import normalize

HEADER = re.compile(r"^\s*date\s+(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\s+(?P<title>\S.*?)\s*$")
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
LEFTOVERS = {"bidi controls": BIDI_CONTROL_RE, "positional forms": POSITIONAL_RE, "C0/C1 controls": CONTROLS}


def process(data: bytes) -> tuple[list, str, dict[str, str]]:
    """(findings, body order, normalized texts) of one article file."""
    decoded = decode(data)
    header, _, body = decoded.text.partition("\n")
    match = HEADER.match(header)
    if match is None:
        raise ValueError(f"bad header: {header[:60]!r}")
    nbody = normalize(body, first_line=2)
    ntitle = normalize(match["title"], order=nbody.order, first_line=1)
    findings = [*decoded.findings, *ntitle.findings, *nbody.findings]
    if (reason := quarantine_reason(match["title"], body)) is not None:
        findings.append(("quarantine", reason))
    return findings, nbody.order, {"title": ntitle.text, "body": nbody.text}


def idempotent(texts: dict[str, str]) -> bool:
    body = normalize(texts["body"], first_line=2)
    return body.text == texts["body"] and normalize(texts["title"], order=body.order).text == texts["title"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--no-idempotence", action="store_true", help="skip the O3 second pass")
    args = parser.parse_args(argv)
    files = sorted(args.corpus.glob("*.txt"))
    blobs = [(f, f.read_bytes()) for f in files]          # I/O outside the timed loop
    files_with, totals, orders, leftovers = Counter(), Counter(), Counter(), Counter()
    crashes: list[str] = []
    not_idempotent: list[str] = []
    outputs: list[tuple[Path, dict[str, str]]] = []
    start, cpu = time.perf_counter(), time.process_time()
    for path, data in blobs:
        try:
            findings, order, texts = process(data)
        except Exception:  # noqa: BLE001 - a benchmark counts crashes instead of stopping
            crashes.append(f"{path.name}: {traceback.format_exc(limit=3)}")
            continue
        orders[order] += 1
        codes = [f[0] if isinstance(f, tuple) else f.code for f in findings]
        totals.update(codes)
        files_with.update(set(codes))
        outputs.append((path, texts))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    for path, texts in outputs:
        for name, regex in LEFTOVERS.items():
            leftovers[name] += sum(len(regex.findall(t)) for t in texts.values())
    second = time.perf_counter()
    if not args.no_idempotence:
        not_idempotent = [p.name for p, texts in outputs if not idempotent(texts)]
    second = time.perf_counter() - second

    megabytes = sum(len(d) for _, d in blobs) / 1e6
    per_file = 1e3 / max(len(blobs), 1)
    print(f"files: {len(blobs)} ({megabytes:.1f} MB); decode+normalize of title and body: "
          f"{seconds:.2f} s wall ({seconds * per_file:.3f} ms/file), {cpu:.2f} s CPU ({cpu * per_file:.3f} ms/file)")
    print(f"crashes: {len(crashes)}")
    for crash in crashes[:5]:
        print("  " + crash.replace("\n", "\n  "))
    print("orders: " + ", ".join(f"{k} {v}" for k, v in orders.most_common()))
    print(f"{'finding code':22s} {'files':>6s} {'findings':>9s}")
    for code, n in sorted(files_with.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{code:22s} {n:6d} {totals[code]:9d}")
    print("left in output: " + ", ".join(f"{k} {v}" for k, v in leftovers.items()))
    if not args.no_idempotence:
        print(f"idempotence (O3): {len(outputs) - len(not_idempotent)}/{len(outputs)} unchanged "
              f"on a second pass ({second:.2f} s); failures: {not_idempotent[:10]}")
    return 1 if crashes or not_idempotent or any(leftovers.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
