"""Streamlit UI for budgetqa: draws only; everything else is the rag package's Python API."""

import streamlit as st

st.set_page_config(page_title="预算问答 budgetqa", page_icon="📊")
st.title("预算问答")
st.write("问一问政府部门预算里写了什么。（聊天界面即将上线）")
