"""Parse and import speed of a 10,000-item bank.

    .venv/bin/python bench/bank_bench.py [--items 10000] [--repeat 5]

Generates a bank with all five item types, then times, in one run:
  parse      parse_text of the whole file (median of --repeat runs)
  export     export_bank of the parsed bank
  import     first import into an empty SQLite file (migrated schema), including commit
  reimport   importing the same file again (must change nothing)
  edit       importing it with 10% of the items edited (new versions)
Targets (docs/benchmarks.md): parse under 1 s, import under 5 s on SQLite.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from flask_migrate import upgrade
from machine import machine

from quizapp import create_app
from quizapp.bank.export import export_bank
from quizapp.bank.loader import import_banks
from quizapp.bank.parser import parse_text
from quizapp.extensions import db
from quizapp.models.types import utcnow

ROLES = ["客服前台", "贴心管家", "样板房接待员", "销售案场客服"]


def generate(items: int, edit_every: int = 0) -> str:
    """A bank of `items` items across sections of 100; every `edit_every`-th item edited."""
    out = [
        "---",
        "id: bench",
        "title: 基准测试题库",
        "version: 1",
        f"roles: {'、'.join(ROLES)}",
        "---",
        "",
    ]
    for number in range(items):
        if number % 100 == 0:
            out += [
                f"# 第{number // 100 + 1}章 物业服务规范",
                f"岗位：{ROLES[number // 100 % 4]}",
                "",
            ]
        edited = "（修订）" if edit_every and number % edit_every == 0 else ""
        kind = number % 5
        out.append(f"## {number + 1}、第{number}题：业主来电报修时客服应当怎样处理{edited}？")
        out.append(f"编号：bench-{number}")
        if kind == 0:
            out += ["类型：问答", "答案：", "1. 值班人员登记报修内容", "2. 开出维修单交工程部",
                    "3. 同时通知贴心管家跟进", "4. 处理完毕后由前台回访", "同义词：回访=电话回访"]  # fmt: skip
        elif kind == 1:
            out += [
                "类型：单选",
                "- [ ] 维修人员姓名",
                "- [x] 维修费用",
                "- [ ] 完工时间",
                "- [ ] 材料品牌",
            ]
        elif kind == 2:
            out += [
                "类型：多选",
                "- [x] 对特约服务进行回访",
                "- [x] 跟进投诉处理结果",
                "- [ ] 发放意见征询表",
                "- [x] 检查回访情况",
            ]
        elif kind == 3:
            out += ["类型：判断", "答案：错"]
        else:
            out[-2] = f"## {number + 1}、第{number}题：电话铃响{{{{三|3}}}}声之内必须接听{edited}。"
            out += ["类型：填空"]
        out += ["解析：报修从登记到回访是一个闭环。", "来源：浅谈物业客服的礼仪", ""]
    return "\n".join(out) + "\n"


def timed(function, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    text = generate(args.items)
    edited_text = generate(args.items, edit_every=10)
    print(f"machine: {machine()}")
    print(f"bank: {args.items} items, {len(text.encode()) / 1e6:.1f} MB")

    parse_s, result = timed(lambda: parse_text(text), args.repeat)
    assert not result.errors, result.errors[:3]
    bank = result.bank
    export_s, _ = timed(lambda: export_bank(bank), args.repeat)
    edited_bank = parse_text(edited_text).bank

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench"}
        )
        with app.app_context():
            upgrade()

            def load(which):
                reports = import_banks(db.session, [(which, "bench.md")], now=utcnow())
                db.session.commit()
                db.session.expunge_all()
                return reports[0]

            import_s, first = timed(lambda: load(bank))
            reimport_s, again = timed(lambda: load(bank))
            edit_s, edit = timed(lambda: load(edited_bank))
            db.engine.dispose()

    assert first.new == args.items and again.unchanged_bank and edit.updated == args.items // 10
    print(f"parse     {parse_s * 1000:8.0f} ms   (target < 1000 ms)")
    print(f"export    {export_s * 1000:8.0f} ms")
    print(f"import    {import_s * 1000:8.0f} ms   (target < 5000 ms; {first.new} new items)")
    print(f"reimport  {reimport_s * 1000:8.0f} ms   (unchanged)")
    print(f"edit 10%  {edit_s * 1000:8.0f} ms   ({edit.updated} new versions)")


if __name__ == "__main__":
    main()
