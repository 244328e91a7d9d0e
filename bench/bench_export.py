"""Export benchmark: a generated book of about 244 pages (deterministic text, many chapters,
tables, lists, code) rendered to PDF by Typst in this process and, in the same run, by
WeasyPrint from the HTML writer's own output; then to EPUB, DOCX and HTML.

    uv run python bench/bench_export.py [--chapters 53] [--layout classic] [--runs 3]

Prints the best of `--runs` wall times per engine and format, the page counts of both
PDFs, and the WeasyPrint/Typst ratio. Typst memoises layout work within a process, so its
first (cold) compile of a book, in a process that has loaded Typst and its fonts, is shown
apart from the repeated (warm) ones; the ratio uses the cold one, what a worker pays for a
new document.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections.abc import Callable
from typing import TypeVar

from athanor.exports.render import BUILTIN_LAYOUTS, ExportFormat, from_markdown, render

T = TypeVar("T")

WORDS = [
    "tenant",
    "wallet",
    "token",
    "engine",
    "workflow",
    "model",
    "provider",
    "request",
    "budget",
    "ledger",
    "schema",
    "migration",
    "worker",
    "queue",
    "lease",
    "retry",
    "backoff",
    "replica",
    "quorum",
    "index",
    "cache",
    "latency",
    "throughput",
    "audit",
    "policy",
    "role",
    "invitation",
    "billing",
    "invoice",
    "export",
    "template",
    "layout",
    "chapter",
    "section",
    "page",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "is",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "it",
    "this",
    "be",
    "are",
    "was",
    "which",
    "or",
    "an",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"**{rng.choice(WORDS)}**"
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"`{rng.choice(WORDS)}_{rng.randint(1, 99)}`"
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))


def _table(rng: random.Random) -> str:
    header = "| Name | Requests | Tokens | Cost |\n|:-----|---------:|-------:|-----:|"
    rows = [
        f"| {rng.choice(WORDS)}-{index} | {rng.randint(1, 99_999)} | {rng.randint(1, 9_999_999)} | "
        f"{rng.random() * 100:.2f} |"
        for index in range(rng.randint(4, 10))
    ]
    return "\n".join([header, *rows])


def _code(rng: random.Random) -> str:
    lines = [
        f"def {rng.choice(WORDS)}_{index}(value: int) -> int:\n    return value * {index}"
        for index in range(4)
    ]
    return "```python\n" + "\n\n".join(lines) + "\n```"


def _list(rng: random.Random) -> str:
    items = []
    for index in range(rng.randint(3, 6)):
        items.append(f"{index + 1}. {_sentence(rng)}")
        if rng.random() < 0.4:
            items += [f"   - {_sentence(rng)}" for _ in range(2)]
    return "\n".join(items)


def book(chapters: int, seed: int = 244) -> str:
    rng = random.Random(seed)  # noqa: S311 (the same text on every run, not a secret)
    parts = ["---\ntitle: A Generated Handbook\nauthor: Bench Mark\nlanguage: en\n---"]
    for chapter in range(1, chapters + 1):
        parts.append(f"# Chapter {chapter}: {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}")
        for section in range(1, 5):
            parts.append(f"## Section {chapter}.{section}")
            parts += [_paragraph(rng) for _ in range(rng.randint(2, 4))]
            extra = (_table, _code, _list)[section % 3]
            parts.append(extra(rng))
            if section % 2 == 0:
                parts.append(f"> {_sentence(rng)}")
    return "\n\n".join(parts) + "\n"


def _best(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    seconds = []
    for _ in range(max(runs, 1)):
        started = time.perf_counter()
        output = work()
        seconds.append(time.perf_counter() - started)
    return min(seconds), output


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chapters", type=int, default=53, help="53 make 245 trade-size pages in Typst")
    parser.add_argument("--layout", default="classic", choices=sorted(BUILTIN_LAYOUTS))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from weasyprint import HTML  # dev dependency, for the comparison only

    layout = BUILTIN_LAYOUTS[args.layout]
    text = book(args.chapters)
    parse_seconds, document = _best(args.runs, lambda: from_markdown(text))
    timings: dict[str, float] = {}
    outputs: dict[str, bytes] = {}
    # A worker has loaded Typst and its fonts before; the book's own text is new to it.
    render(from_markdown(book(1, seed=1)), ExportFormat.PDF, layout)
    timings["cold"], _ = _best(1, lambda: render(document, ExportFormat.PDF, layout))
    for fmt in (ExportFormat.PDF, ExportFormat.EPUB, ExportFormat.DOCX, ExportFormat.HTML):
        timings[fmt.value], outputs[fmt.value] = _best(
            args.runs, lambda fmt=fmt: render(document, fmt, layout)
        )
    html = outputs["html"].decode()
    timings["weasyprint"], outputs["weasyprint"] = _best(args.runs, lambda: HTML(string=html).write_pdf())

    print(f"book: {len(text):,} characters of Markdown, {args.chapters} chapters, layout {args.layout}")
    print(f"{'parse markdown':<18} {parse_seconds * 1000:8.0f} ms")
    rows = [
        ("pdf (typst, cold)", "cold", f"{_pages(outputs['pdf'])} pages"),
        ("pdf (typst, warm)", "pdf", ""),
        ("pdf (weasyprint)", "weasyprint", f"{_pages(outputs['weasyprint'])} pages"),
        ("epub", "epub", ""),
        ("docx", "docx", ""),
        ("html", "html", ""),
    ]
    for label, key, note in rows:
        size = f"{len(outputs[key]) / 1024:8.0f} KiB" if key in outputs else " " * 12
        print(f"{label:<18} {timings[key] * 1000:8.0f} ms  {size}  {note}")
    print(f"weasyprint/typst   {timings['weasyprint'] / timings['cold']:8.1f}x (cold Typst)")


if __name__ == "__main__":
    main()
