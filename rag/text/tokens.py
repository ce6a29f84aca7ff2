"""Words for keyword search: jieba search-mode tokens without punctuation, question words and amounts."""

from __future__ import annotations

import re
import threading
from collections.abc import Collection

_STOPWORDS = {
    "的", "了", "是", "吗", "呢", "啊", "吧", "呀", "么", "和", "与", "及", "或", "在", "有", "对", "把", "被", "给",
    "那", "这", "个", "里", "都", "也", "就", "还", "又", "请", "问", "下", "多少", "什么", "哪些", "怎么", "怎样",
    "为什么", "为啥", "啥", "是否", "是不是", "那个", "这个", "一下", "一共", "请问", "知道", "告诉", "我", "你",
    "我们", "他们", "对吧", "对吗", "多少钱", "一些", "情况",
}  # fmt: skip
_PUNCT_RE = re.compile(r"^[\W_]+$")
_AMOUNT_RE = re.compile(r"^(\d*[.%]\d*%?|\d{1,3})$")
"""Amounts (6926.05, 0.29%) and number pieces are left out of BM25: they only lengthen table chunks."""
_QUOTES_RE = re.compile(r"[“”\"'‘’「」『』《》]")
_lock = threading.Lock()
_added: set[str] = set()


def tokenize(text: str, user_words: Collection[str] = ()) -> list[str]:
    """jieba search-mode tokens (long words and their parts), without punctuation and question words.

    `user_words` (a domain vocabulary: 公务接待费 …) are added to jieba's dictionary once, before cutting.
    """
    import jieba  # loads its dictionary on first use

    with _lock:
        new = [w for w in user_words if w not in _added]
        if new or not _added:
            jieba.setLogLevel(60)
            for word in new:
                jieba.add_word(word)
            _added.update(new or {""})
    text = _QUOTES_RE.sub("", text).lower()
    return [t for t in (t.strip() for t in jieba.cut_for_search(text)) if t and t not in _STOPWORDS
            and not _PUNCT_RE.match(t) and not _AMOUNT_RE.match(t)]  # fmt: skip
