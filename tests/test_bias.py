"""The packaged social-bias classifier: loads from package data, matches its provenance, computes the same
features as its training script, and separates clearly biased sentences (written here, not taken from any data
set) from neutral administrative text."""

from __future__ import annotations

import importlib.util
import re
import zlib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from mokmin.checks.bias import RULE_ID, BiasClassifier, check_bias, feature_terms, hashed_counts, tfidf_row
from mokmin.checks.finding import Severity
from mokmin.errors import ModelError

BIASED = [
    "여자들은 원래 감정적이라서 중요한 결정을 맡기면 안 된다.",
    "노인들은 고집이 세서 새로운 기술을 절대 배우지 못한다.",
    "외국인들은 대부분 범죄를 저지르기 때문에 동네에 들어오면 안 된다.",
    "전라도 사람들은 하나같이 뒤통수를 친다.",
    "장애인은 일을 제대로 못 하니까 채용하지 않는 게 낫다.",
    "이혼한 사람들은 다 성격에 문제가 있어서 그런 거다.",
    "동남아 출신 며느리들은 돈 때문에 시집온 것이 뻔하다.",
    "뚱뚱한 사람들은 게을러서 자기 관리를 못 하는 것이다.",
    "전과자는 절대 바뀌지 않으니 이웃으로 두면 안 된다.",
    "지방대 나온 사람은 능력이 떨어져서 뽑을 필요가 없다.",
]
PRESS_RELEASE = (
    "당진시는 3월 27일 시청 대회의실에서 민원 서비스 개선을 위한 간담회를 열었다고 밝혔다. "
    "이번 간담회에는 관계 부서 공무원 20여 명이 참석해 개선 방안을 논의했다. "
    "시는 오는 4월부터 읍면동 행정복지센터에서 무인 민원 발급기를 시범 운영할 계획이다. "
    "시는 어르신과 장애인의 이동 편의를 위해 저상버스 10대를 추가로 도입한다. "
    "다문화가족지원센터는 결혼이민자를 위한 한국어 교실을 무료로 운영한다. "
    "자세한 내용은 시 누리집에서 확인할 수 있다."
)


@pytest.fixture(scope="module")
def clf() -> BiasClassifier:
    return BiasClassifier.load()


def load_training_script():
    path = Path(__file__).resolve().parent.parent / "scripts" / "train_bias.py"
    spec = importlib.util.spec_from_file_location("train_bias", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_loads_once_from_package_data(clf):
    assert BiasClassifier.load() is clf
    assert clf.dim == clf.meta["dim"] == len(clf.weights)
    assert clf.category_w.shape == (clf.dim, len(clf.categories)) == (clf.dim, 15)
    assert (clf.idf >= 1.0).all()  # smoothed idf is never below 1
    assert 0.0 < clf.threshold < 1.0


def test_metadata_matches_provenance(clf):
    text = (resources.files("mokmin") / "data" / "bias" / "PROVENANCE.md").read_text(encoding="utf-8")
    stated = {
        "feature dimension": int(re.search(r"feature dimension: (\d+)", text).group(1)),
        "threshold": float(re.search(r"Threshold: ([0-9.]+)", text).group(1)),
        "rows": int(re.search(r"\), (\d+) rows", text).group(1)),
        "sha": re.search(r"sha256 `([0-9a-f]{64})`", text).group(1),
        "auc": float(re.search(r"AUC ([0-9.]+)", text).group(1)),
    }
    assert stated == {
        "feature dimension": clf.dim,
        "threshold": round(clf.threshold, 2),
        "rows": clf.meta["train_rows"],
        "sha": clf.meta["train_sha256"],
        "auc": round(clf.meta["cv"]["auc"], 3),
    }
    assert "MIT" in text and "train_bias.py" in text


def test_training_features_equal_run_time_features(clf):
    """The script's sparse TF-IDF matrix gives the same rows and scores as the run-time numpy code."""
    train = load_training_script()
    texts = [BIASED[0], PRESS_RELEASE.split(". ")[0] + "."]
    x = train.tfidf(train.tf_matrix(texts, clf.dim), clf.idf)
    for i, text in enumerate(texts):
        ids, values = tfidf_row(text, clf.idf)
        dense = np.zeros(clf.dim)
        dense[ids] = values
        assert np.allclose(x[i].toarray().ravel(), dense)
    assert np.allclose(x @ clf.weights + clf.bias, clf.logits(texts))


def test_clearly_biased_sentences_score_above_neutral_ones(clf):
    neutral = [s.strip() + "." for s in PRESS_RELEASE.split(".") if s.strip()]
    p_biased = clf.predict_proba(BIASED)
    p_neutral = clf.predict_proba(neutral)
    assert (p_biased >= clf.threshold).sum() >= 8  # a weak model: most, not all
    assert (p_neutral < clf.threshold).all()
    assert p_biased.mean() - p_neutral.mean() > 0.2


def test_check_bias_passes_a_press_release_paragraph():
    assert check_bias(PRESS_RELEASE) == []


def test_check_bias_flags_the_biased_sentence_in_place():
    biased = BIASED[2]
    text = ("시는 오는 4월부터 읍면동 행정복지센터에서 무인 민원 발급기를 시범 운영할 계획이다. "
            f"{biased} 자세한 내용은 시 누리집에서 확인할 수 있다.")
    findings = check_bias(text)
    assert [f.text for f in findings] == [biased]
    f = findings[0]
    assert text[f.start : f.end] == biased
    assert f.rule_id == RULE_ID and f.severity is Severity.WARNING and f.source == "bias"
    assert BiasClassifier.load().threshold <= f.extra["probability"] <= 1.0 and not f.safe_fix
    assert "편견" in f.message


def test_category_head_names_the_group_spoken_about(clf):
    cats = clf.category(["이슬람 신자들은 모두 테러리스트다.", "노인들은 고집이 세서 말이 안 통한다."])
    assert [c[0] if c else None for c in cats] == ["종교", "나이/세대"]
    assert np.allclose(clf.category_probs(BIASED[:3]).sum(axis=1), 1.0)


def test_threshold_argument_overrides_the_shipped_one():
    text = "자세한 내용은 시 누리집에서 확인할 수 있다."
    assert check_bias(text) == []
    assert [f.text for f in check_bias(text, threshold=0.01)] == [text]
    assert check_bias("", threshold=0.01) == []


def test_roundtrip_save_and_foreign_weights(clf, tmp_path):
    path = tmp_path / "copy.npz"
    clf.save(path)
    again = BiasClassifier.from_npz(path)
    assert np.allclose(again.predict_proba(BIASED[:2]), clf.predict_proba(BIASED[:2]), atol=1e-5)
    assert again.categories == clf.categories
    old = tmp_path / "old.npz"
    np.savez(old, meta=np.array('{"feature_kind": "joint"}'), mean=np.zeros(3))
    with pytest.raises(ValueError, match="format"):
        BiasClassifier.from_npz(old)


def test_feature_terms_and_hashing():
    terms = feature_terms("장애인  편의시설")
    assert terms == feature_terms("장애인 편의시설")  # whitespace collapsed
    assert terms["c: 장"] == 1 and terms["c:설 "] == 1 and "c:인 편" not in terms  # n-grams stay inside words
    assert any(t.startswith("m:장애인/") for t in terms)
    ids, tf = hashed_counts("노인 노인 노인", 2**20)
    assert ids.max() < 2**20 and len(set(ids.tolist())) == len(ids)
    bucket = zlib.crc32("c:노인".encode("utf-8")) % 2**20
    assert tf[ids.tolist().index(bucket)] == pytest.approx(1 + np.log(3))  # sublinear: three times, 1 + log 3
    _, values = tfidf_row("장애인 편의시설", np.ones(2**12))
    assert float(np.linalg.norm(values)) == pytest.approx(1.0)


def test_empty_input(clf):
    assert clf.predict_proba([]).shape == (0,)
    assert clf.category([]) == []
    with pytest.raises(ModelError):
        BiasClassifier({**clf.meta}, clf.idf, clf.weights, clf.bias).category_probs(["문장"])
