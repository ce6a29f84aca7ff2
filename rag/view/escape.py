"""Text the app shows, made safe: Markdown/HTML escaped, chart labels, short names, pandas frames."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads on first use: the chat page opens without it
    import pandas as pd


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:=^&])")


def md_escape(text: str) -> str:
    """Text shown through st.markdown / st.table / labels: every Markdown, HTML and directive character escaped,
    line breaks kept (document quotes and answers may hold `<b>`, `$`, `1.` or `:red[...]`)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return "  \n".join(escaped.split("\n"))


def chart_label(text: str, limit: int = 24) -> str:
    """A label for plotly (which reads <b>, <a>, <br>): angle brackets made harmless, long names cut."""
    text = str(text).replace("<", "＜").replace(">", "＞").replace("&", "＆").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_department(name: str) -> str:
    """The department name without its parenthesised second name (…中心（…交易中心）)."""
    return re.sub(r"（.*?）|\(.*?\)", "", name).strip() or name


def make_frame(data, columns: list[str] | None = None) -> pd.DataFrame:
    import pandas as pd  # heavy: loaded on first use

    return pd.DataFrame(data, columns=columns)


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header escaped, for st.table (which renders Markdown)."""
    escaped = frame.map(lambda v: md_escape(v) if isinstance(v, str) else v)
    escaped.columns = [md_escape(str(c)) for c in frame.columns]
    return escaped
