"""The packaged social-bias classifier: loads from package data, matches its provenance, separates clearly
biased sentences (written here, not taken from any data set) from neutral administrative text."""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import pytest

from mokmin.checks.bias import RULE_ID, BiasClassifier, check_bias, feature_texts, ngram_counts
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


def test_loads_once_from_package_data(clf):
    assert BiasClassifier.load() is clf
    dim = clf.meta["feature_dim"]
    assert clf.mean.shape == clf.scale.shape == clf.weights.shape == (dim,)
    assert clf.category_w.shape == (dim, len(clf.categories)) == (dim, 15)
    assert len(clf.ngram_weights) == clf.meta["ngram_dim"]
    assert 0.0 < clf.threshold < 1.0


def test_metadata_matches_provenance(clf):
    text = (resources.files("mokmin") / "data" / "bias" / "PROVENANCE.md").read_text(encoding="utf-8")
    stated = {
        "feature dimension": int(re.search(r"feature dimension: (\d+)", text).group(1)),
        "kind": re.search(r"feature kind `(\w+)`", text).group(1),
        "threshold": float(re.search(r"Threshold: ([0-9.]+)", text).group(1)),
        "rows": int(re.search(r"\), (\d+) rows", text).group(1)),
        "sha": re.search(r"sha256 `([0-9a-f]{64})`", text).group(1),
    }
    assert stated == {
        "feature dimension": clf.meta["feature_dim"],
        "kind": clf.feature_kind,
        "threshold": round(clf.threshold, 2),
        "rows": clf.meta["train_rows"],
        "sha": clf.meta["train_sha256"],
    }
    assert "MIT" in text and clf.meta["embedding_model"] in text
    # the stored dimension is what the features really are: one 384-d e5 vector per text list
    assert clf.meta["feature_dim"] == 384 * len(feature_texts(clf.feature_kind, ["문장"], [""]))


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
    assert 0.5 <= f.extra["probability"] <= 1.0 and not f.safe_fix
    assert "편견" in f.message


def test_threshold_argument_overrides_the_shipped_one():
    text = "자세한 내용은 시 누리집에서 확인할 수 있다."
    assert check_bias(text) == []
    assert [f.text for f in check_bias(text, threshold=0.01)] == [text]
    assert check_bias("", threshold=0.01) == []


def test_context_changes_the_input(clf):
    alone = clf.features([BIASED[0]])
    with_context = clf.features([BIASED[0]], ["우리 팀에는 여자 직원이 많다."])
    assert alone.shape == with_context.shape == (1, clf.meta["feature_dim"])
    assert not np.allclose(alone, with_context)


def test_roundtrip_save_and_wrong_dimension(clf, tmp_path):
    path = tmp_path / "copy.npz"
    clf.save(path)
    again = BiasClassifier.from_npz(path)
    x = clf.features(BIASED[:2])
    assert np.allclose(again.proba(x, BIASED[:2]), clf.proba(x, BIASED[:2]))
    with pytest.raises(ModelError):
        clf.proba(x[:, :100], BIASED[:2])


def test_ngram_hashing_is_stable_and_normalised():
    ids, values = ngram_counts("장애인  편의시설", 2**18)
    again, _ = ngram_counts("장애인 편의시설", 2**18)  # whitespace collapsed
    assert np.array_equal(ids, again)
    assert abs(float(np.linalg.norm(values)) - 1.0) < 1e-9
    assert ids.max() < 2**18
