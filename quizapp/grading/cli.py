"""``quizapp grade``: try the grader from the command line.

Two forms. ``--key-point`` grades against key points given on the command line and needs
no app. ``--item ID`` grades exactly as the app does - the item's question type, question,
synonyms (bank and item) and red-line rule - and needs the app's database: the app's
command line (quizapp/cli.py) registers the item grader with :func:`set_item_grader`, so
this module stays free of Flask and the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from .keypoints import grade_key_points

#: Grades ``(item_id, answer)`` as the app does and returns the ``--item`` JSON payload
#: plus a ``"matches"`` list of ``(key_point, hit, contradiction)`` for the readable form;
#: raises ``click.ClickException`` for an unknown item.
ItemGrader = Callable[[int, str], dict]
_item_grader: ItemGrader | None = None


def set_item_grader(grader: ItemGrader | None) -> None:
    """Register how ``--item`` loads and grades an item (the app does, on import)."""
    global _item_grader
    _item_grader = grader


@click.command("grade")
@click.option(
    "--item",
    "item_id",
    type=int,
    default=None,
    metavar="ID",
    help="Grade as the app does, with the item's type, question, synonyms and red-line rule.",
)
@click.option(
    "--key-point",
    "key_points",
    multiple=True,
    metavar="TEXT",
    help="A key point (要点) of the reference answer; repeat for each, in order.",
)
@click.option("--answer", required=True, metavar="TEXT", help="The answer as typed.")
@click.option("--json", "as_json", is_flag=True, help="Print the grade as JSON.")
def grade_command(
    item_id: int | None, key_points: tuple[str, ...], answer: str, as_json: bool
) -> None:
    """Grade a typed ANSWER against KEY POINTs, or as the app grades item ID.

    Examples: quizapp grade --key-point 说话轻 --key-point 走路轻 --answer "走路轻，说话轻";
    quizapp grade --item 12 --answer "四小时内回复前台" --json
    """
    if item_id is not None and key_points:
        raise click.UsageError("give --item or --key-point, not both")
    if item_id is None and not key_points:
        raise click.UsageError("give --key-point (repeat for each key point) or --item ID")
    if item_id is not None:
        _grade_item(item_id, answer, as_json)
        return
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
        click.echo(_line(match.key_point, match.hit, match.contradiction))
    hit = sum(result.hits)
    click.echo(f"coverage: {hit}/{len(result.hits)} ({result.coverage:.0%})")
    click.echo(f"rating: {result.rating.word}")


def _line(key_point: str, hit: bool, contradiction: str) -> str:
    if hit:
        return f"✓ {key_point}"
    if contradiction:
        return f"✗ {key_point} (contradicted: {contradiction})"
    return f"✗ {key_point}"


def _grade_item(item_id: int, answer: str, as_json: bool) -> None:
    if _item_grader is None:
        raise click.UsageError("--item needs the app's database: run it as `quizapp grade`")
    payload = dict(_item_grader(item_id, answer))
    matches = payload.pop("matches", [])
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(f"item {payload['item']} ({payload['type']})")
    for key_point, hit, contradiction in matches:
        click.echo(_line(key_point, hit, contradiction))
    if payload["hits"]:
        hit = sum(payload["hits"])
        click.echo(f"coverage: {hit}/{len(payload['hits'])} ({payload['coverage']:.0%})")
    if payload["red_line"] and any(payload["contradicted"]):
        click.echo("red line: a key point is contradicted, so the answer is wrong")
    click.echo(f"rating: {payload['rating']}")
    click.echo(f"correct: {'yes' if payload['correct'] else 'no'}")
