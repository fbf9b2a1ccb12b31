"""Key-point coverage of typed Chinese answers, one phone-typing phenomenon at a time."""

from __future__ import annotations

import pytest

from quizapp.grading import KeyPointResult, grade_key_points
from quizapp.srs import Rating

THREE_QUIET = ["说话轻", "走路轻", "操作轻"]
SERVICE_IDEA = ["事事想着业主", "时时为了企业", "当好保姆", "做好管家", "交好朋友"]


def hits(key_points, answer, synonyms=(), **kwargs):
    return list(grade_key_points(key_points, answer, synonyms, **kwargs).hits)


def test_result_shape():
    result = grade_key_points(THREE_QUIET, "说话轻，走路轻")
    assert isinstance(result, KeyPointResult)
    assert result.hits == (True, True, False)
    assert result.coverage == pytest.approx(2 / 3)
    assert result.rating is Rating.HARD
    assert [m.key_point for m in result.matches] == THREE_QUIET
    data = result.to_dict()
    assert set(data) == {"hits", "coverage", "rating", "matches", "contradicted", "red_line"}


def test_spans_locate_the_hit_in_the_answer_and_the_key_point():
    answer = "首先，走路轻。"
    match = grade_key_points(["走路轻"], answer).matches[0]
    assert match.hit
    found = "".join(answer[a:b] for a, b in match.answer_spans)
    assert found == "走路轻"
    assert all(found for _, _, found in match.term_spans)
    missed = grade_key_points(["操作轻"], answer).matches[0]
    assert not missed.hit and missed.answer_spans == ()
    # The key point's own words, with found / missing flags, for the reference answer.
    assert [("操作轻"[a:b], f) for a, b, f in missed.term_spans] == [("操作", False), ("轻", True)]


def test_word_order_and_paraphrase():
    assert hits(THREE_QUIET, "操作要轻，走路要轻，说话也要轻") == [True] * 3
    key_points = ["迅速采取措施，尽量减少客户的损失", "保持冷静", "及时向上级汇报，寻求帮助"]
    answer = "保持冷静，马上采取措施减少客户损失，及时向领导汇报寻求帮助"
    assert hits(key_points, answer) == [True] * 3


def test_partial_answer():
    assert hits(SERVICE_IDEA, "事事想着业主，当好管家") == [True, False, False, True, False]


@pytest.mark.parametrize("answer", ["", "   ", "。。。", "不知道"])
def test_empty_answers_hit_nothing(answer):
    result = grade_key_points(SERVICE_IDEA, answer)
    assert result.hits == (False,) * 5
    assert result.coverage == 0.0 and result.rating is Rating.AGAIN


@pytest.mark.parametrize(
    "answer", ["今天天气很好，我们去公园吧", "物业费按月收取", "电话铃响三声内接听"]
)
def test_off_topic_answers_hit_nothing(answer):
    assert not any(hits(SERVICE_IDEA, answer))


def test_needs_key_points():
    with pytest.raises(ValueError):
        grade_key_points([], "answer")


# --- phone typing ---------------------------------------------------------------------


def test_full_width_characters():
    assert hits(["维修及时率100%"], "维修及时率１００％") == [True]
    assert hits(["被Call时回答“收到请讲”"], "被ＣＡＬＬ时回答：收到请讲") == [True]


def test_traditional_characters():
    answer = "業戶至上、服務第一、用心做事、真誠服務"
    assert hits(["业户至上", "服务第一", "用心做事", "真诚服务"], answer) == [True] * 4


@pytest.mark.parametrize(
    ("key_point", "answer"),
    [
        ("服务理念", "我们的服务礼念"),  # li nian
        ("追求卓越", "追求卓悦"),  # zhuo yue
        ("临时授信服务", "临时受信服务"),  # shou xin
        ("值班人员登记", "值班人员登计"),  # deng ji
    ],
)
def test_homophone_slips_of_pinyin_input(key_point, answer):
    assert hits([key_point], answer) == [True]


def test_homophones_are_not_a_free_pass():
    # One character of the same sound is a different word: 清 (qing) is not 轻 (qing).
    assert hits(["操作轻"], "操作清单") == [False]
    assert hits(["说话轻"], "说话大声") == [False]


def test_voice_input_without_punctuation():
    answer = "事事想着业主时时为了企业当好保姆做好管家交好朋友"
    assert hits(SERVICE_IDEA, answer) == [True] * 5
    answer = "接到业主来电值班人员登记开出维修单给工程部"
    flow = ["客户服务部接到业主来电", "值班人员登记", "开出工作维修单给工程部", "由前台回访"]
    assert hits(flow, answer, [("工作维修单", "维修单")]) == [True, True, True, False]


# --- negation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["不以客户为中心", "没有以客户为中心", "我们不能以客户为中心", "并非以客户为中心"]
)
def test_negated_answer_does_not_hit_a_positive_key_point(answer):
    assert hits(["以客户为中心"], answer) == [False]
    assert grade_key_points(["以客户为中心"], answer).matches[0].negation_conflict


def test_positive_answer_hits():
    assert hits(["以客户为中心"], "一切以客户为中心") == [True]


def test_not_equal_is_not_equal():
    assert hits(["等于"], "不等于") == [False]
    assert hits(["效能 = 收入 − 成本"], "效能不等于收入减成本") == [False]
    assert hits(["效能 = 收入 − 成本"], "效能等于收入减成本") == [True]


@pytest.mark.parametrize(
    "answer", ["不能推诿", "不得推诿", "绝不推诿", "禁止推诿", "别推诿", "严禁推诿"]
)
def test_negated_key_point_matches_negated_paraphrase(answer):
    assert hits(["不得推诿"], answer) == [True]


@pytest.mark.parametrize("answer", ["可以推诿", "推诿", "尽量推诿"])
def test_negated_key_point_does_not_match_the_opposite(answer):
    assert hits(["不得推诿"], answer) == [False]


def test_negation_with_words_between():
    assert hits(["不打闹"], "不嬉戏打闹") == [True]
    assert hits(["不打闹"], "嬉戏打闹") == [False]
    assert hits(["每次最多不得超过3张"], "每次最多三张") == [True]
    assert hits(["每次最多不得超过3张"], "每次可以超过3张") == [False]


def test_words_that_only_look_negative():
    assert hits(["不断创新"], "不断地创新") == [True]
    assert hits(["不断创新"], "不创新") == [False]
    # A yes-no question (要不要) is no negation.
    assert hits(["询问是否需要留下口讯"], "问他要不要留下口讯") == [True]


def test_negation_does_not_leak_across_clauses():
    assert hits(["及时记录"], "不要推诿，及时记录") == [True]


def test_lexical_negation_in_key_point():
    # 谢绝 is a negation: 不能拍照 says the same.
    assert hits(["说明样板房谢绝拍照"], "告诉客户样板房不能拍照") == [True]
    assert hits(["说明样板房谢绝拍照"], "告诉客户样板房可以拍照") == [False]


# --- numbers ---------------------------------------------------------------------------


def test_numbers_must_not_contradict():
    assert hits(["维修及时率100%"], "维修及时率95%") == [False]
    assert hits(["贴心管家4个小时内回复前台"], "管家24小时内回复前台") == [False]
    assert hits(["贴心管家4个小时内回复前台"], "管家四个小时内回复前台") == [True]
    assert hits(["有效期为一年"], "有效期两年") == [False]


def test_chinese_numerals_and_percent_words():
    assert hits(["目标值70%-75%"], "目标值是百分之七十到七十五") == [True]
    assert hits(["个人、家庭、集团客户均为2000分"], "个人家庭集团客户都是两千分") == [True]


# --- synonyms --------------------------------------------------------------------------


def test_bank_synonyms():
    key_points, answer = ["通知业主"], "通知住户"
    assert hits(key_points, answer) == [False]
    assert hits(key_points, answer, [("业主", "住户", "业户")]) == [True]
    synonyms = [("钻卡", "钻石卡"), ("客户", "用户")]
    assert hits(["钻石卡面向所有客户发放"], "钻卡面向所有用户发放", synonyms) == [True]


def test_slash_alternatives_are_synonyms():
    assert hits(["钻卡/钻石卡"], "钻石卡") == [True]
    assert hits(["钻卡/钻石卡"], "钻卡") == [True]
    assert hits(["称呼“先生/小姐”"], "称呼小姐") == [True]
    assert hits(["先说问候语：您好/早上好"], "先说问候语早上好") == [True]


def test_question_words_weigh_less():
    key_point = ["离开较长时间回来后说“对不起，让您久等”"]
    question = "需要暂时离开面对的业主时怎么说？离开时间较长，回来后又怎么说？"
    answer = "说对不起让您久等了"
    assert hits(key_point, answer, question=question) == [True]
