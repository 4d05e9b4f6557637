"""The README's table of the book's chapter programs, with each program's estimated monthly cost, generated.

    python examples/book/readme_table.py           print the table
    python examples/book/readme_table.py --check   exit 1 when README.md's table is stale
    python examples/book/readme_table.py --write   rewrite the table in README.md

The estimate is the cost pack's own (`python -m policies check --stack dev --project <program>`): list
prices times 730 hours plus its usage assumptions; types it has no price for are named, not guessed.
"""

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

BOOK = Path(__file__).resolve().parent
REPO = BOOK.parent.parent
README = REPO / "README.md"
START, END = "<!-- book-programs:start -->", "<!-- book-programs:end -->"


@dataclass(frozen=True)
class Chapter:
    """One program of examples/book/."""

    chapter: str
    folder: str
    components: str
    book_figure: str
    """What the book says the architecture costs, or how it priced it; "-" when it gives no figure."""


CHAPTERS = [
    Chapter("ch. 9: EBS volume with snapshots", "ch09_ebs", "`VolumeBackups`, `RecoverableServer`, `Network`",
            "none for the stack; snapshots $0.095/GB-month beyond the free allowance ([3e] ch. 10)"),
    Chapter("ch. 12: in-memory cache", "ch12_cache", "`Cache`, `Network`", "none; the book runs one cache.t2.micro node (Free Tier)"),
    Chapter("ch. 13: NoSQL to-do application", "ch13_nosql", "`NoSqlTable` x 2", "none; 5 to 20 provisioned units per table and index"),
    Chapter("ch. 14: recoverable Jenkins server", "ch14_recovery", "`RecoverableServer`, `SharedFileSystem`, `Network`",
            "none; one t2.micro (Free Tier) and EFS at $0.30/GB-month ([3e] ch. 9)"),
    Chapter("ch. 15: URL2PNG through a queue", "ch15_url2png", "`Queue`",
            "none; SQS $0.24 to $0.40 per million requests, first million free ([3e] ch. 14)"),
    Chapter("ch. 16: fault-tolerant Imagery", "ch16_imagery", "`Imagery`, `Network`",
            "none; two Elastic Beanstalk environments of t2.micro"),
]
"""Every program, in chapter order."""


def cost_text(monthly_usd: Optional[float], not_estimated: list[str]) -> str:
    """The table cell: the estimate, and the services of the types it has no price for (named, not guessed)."""
    if monthly_usd is None:
        return "not estimated"
    text = f"${monthly_usd:.2f}"
    if not_estimated:
        services = sorted({t.split(":")[1].split("/")[0] for t in not_estimated})
        text += f" (not priced: {', '.join(services)})"
    return text


def row(chapter: Chapter, cost: Any) -> str:
    """One table row for a chapter, from the offline check's CostReport."""
    return (f"| {chapter.chapter} | [`examples/book/{chapter.folder}`](examples/book/{chapter.folder}) | {chapter.components} | "
            f"{cost_text(cost.monthly_usd, list(cost.not_estimated))} | {chapter.book_figure} |")


HEADER = ("| Chapter | Program | Components | Estimated monthly cost of the dev stack | The book's figure |\n"
          "|---|---|---|---|---|")


def render(costs: dict[str, Any]) -> str:
    """The whole table, given each folder's CostReport."""
    return "\n".join([HEADER, *(row(chapter, costs[chapter.folder]) for chapter in CHAPTERS)])


def costs() -> dict[str, Any]:
    """Run every program's offline check (update mode, stack dev) and keep its cost report."""
    sys.path.insert(0, str(REPO))
    from policies.offline.check import run_check

    return {chapter.folder: run_check(BOOK / chapter.folder, "dev").cost for chapter in CHAPTERS}


def replace_table(readme: str, table: str) -> str:
    """README text with the table between the markers replaced."""
    before, start, rest = readme.partition(START)
    _, end, after = rest.partition(END)
    if not start or not end:
        raise ValueError(f"README.md: the markers {START} and {END} are missing")
    return f"{before}{START}\n{table}\n{END}{after}"


def main(argv: list[str]) -> int:
    """Print, check or write the table."""
    table = render(costs())
    if not argv:
        print(table)
        return 0
    readme = README.read_text()
    current = replace_table(readme, table)
    if argv == ["--check"]:
        if current != readme:
            print("README.md: the book programs' table is stale; run `python examples/book/readme_table.py --write`", file=sys.stderr)
            return 1
        return 0
    if argv == ["--write"]:
        README.write_text(current)
        return 0
    print("usage: readme_table.py [--check | --write]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
