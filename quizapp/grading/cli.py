"""``quizapp grade``: try the key-point grader from the command line (no app needed)."""

from __future__ import annotations

import json

import click

from .keypoints import grade_key_points


@click.command("grade")
@click.option(
    "--key-point",
    "key_points",
    multiple=True,
    required=True,
    metavar="TEXT",
    help="A key point (要点) of the reference answer; repeat for each, in order.",
)
@click.option("--answer", required=True, metavar="TEXT", help="The answer as typed.")
@click.option("--json", "as_json", is_flag=True, help="Print hits, coverage and rating as JSON.")
def grade_command(key_points: tuple[str, ...], answer: str, as_json: bool) -> None:
    """Grade a typed ANSWER against KEY POINTs and show which were hit.

    Example: quizapp grade --key-point 说话轻 --key-point 走路轻 --answer "走路轻，说话轻"
    """
    result = grade_key_points(key_points, answer)
    if as_json:
        payload = {
            "hits": list(result.hits),
            "coverage": round(result.coverage, 4),
            "rating": result.rating.word,
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    for match in result.matches:
        mark = "✓" if match.hit else "✗"
        click.echo(f"{mark} {match.key_point}")
    hit = sum(result.hits)
    click.echo(f"coverage: {hit}/{len(result.hits)} ({result.coverage:.0%})")
    click.echo(f"rating: {result.rating.word}")
