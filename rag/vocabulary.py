"""The budget vocabulary shared by understanding and retrieval: canonical figures, plain words, jieba user words."""

from __future__ import annotations

CANONICAL_NAMES = [
    "收入总计", "支出总计", "本年收入合计", "上年结转", "一般公共预算拨款", "基本支出", "项目支出", "人员经费",
    "公用经费", "三公经费", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "公务用车购置费",
    "公务用车运行维护费", "机关运行经费", "政府采购", "政府采购货物", "政府采购工程", "政府采购服务", "编制",
    "内设机构", "公务用车", "办公用房面积",
]  # fmt: skip
"""The key figures of the CLI contract (../shared/eval/README.md)."""

PLAIN_WORDS: dict[str, list[str]] = {
    # everyday word → document terms (query expansion; first entry is the canonical figure when there is one)
    "总预算": ["收入总计", "支出总计"],
    "一共多少钱": ["收入总计"],
    "预算总额": ["收入总计"],
    "总共": ["收入总计"],
    "招待": ["公务接待费"],
    "接待": ["公务接待费"],
    "请客": ["公务接待费"],
    "吃饭": ["公务接待费"],
    "公车": ["公务用车购置及运行费", "公务用车"],
    "车辆": ["公务用车"],
    "买车": ["公务用车购置费"],
    "养车": ["公务用车运行维护费"],
    "出国": ["因公出国（境）费"],
    "出境": ["因公出国（境）费"],
    "工资": ["工资福利支出", "人员经费"],
    "发工资": ["工资福利支出"],
    "人头费": ["人员经费"],
    "房租": ["房租物业费", "租赁"],
    "租房": ["房租物业费", "租赁"],
    "物业": ["物业管理", "物业费"],
    "日常办公": ["公用经费", "机关运行经费"],
    "办公经费": ["公用经费", "机关运行经费"],
    "运转": ["机关运行经费"],
    "三公": ["三公经费"],
    "采购": ["政府采购"],
    "编制": ["编制"],
    "多少人": ["编制"],
    "人数": ["编制"],
    "办公室面积": ["办公用房面积"],
    "办公楼": ["办公用房面积"],
    "结转": ["上年结转"],
    "去年剩下": ["上年结转"],
    "日常运转": ["基本支出"],
    "干事业": ["项目支出"],
}

BUDGET_TERMS = [
    *CANONICAL_NAMES,
    "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政拨款", "财政专户管理资金", "单位资金",
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出", "一般公共服务支出", "事业运行",
    "行政运行", "一般行政管理事务", "项目支出绩效目标表", "绩效目标", "年度资金总额", "实施期资金总额",
    "名词解释", "预算收支总表", "预算收入总表", "预算支出总表", "财政拨款收支总表", "房租物业费",
    "政务服务中心", "行政审批服务管理局", "本年收入", "本年支出", "年终结转", "支出预算", "收入预算",
]  # fmt: skip
"""Words jieba must keep whole (added as user words)."""


def expand_query(question: str) -> list[str]:
    """Document terms for the plain words in a question (招待费 → 公务接待费)."""
    terms: list[str] = []
    for word, mapped in PLAIN_WORDS.items():
        if word in question:
            terms += [term for term in mapped if term not in terms and term not in question]
    return terms
