"""Attraction targets for a gap: ranked by segment fit, size, outcomes and news, with reasons."""

from datetime import datetime, timedelta

import pytest

from medbridge.accounts.policy import ANONYMOUS
from medbridge.chain import targets
from medbridge.errors import ValidationError


def ranked(session, cluster, **kwargs):
    return targets.rank_targets(session, cluster.chains, ANONYMOUS, "A市", "medical_device", "testing_approval",
                                **kwargs)


def test_candidates_are_outside_the_region_and_not_rejected(session, cluster):
    names = [t.organization.name for t in ranked(session, cluster)]
    assert names == ["检测甲", "远方器械"]


def test_scores_add_fit_size_and_listing(session, cluster):
    first, second = ranked(session, cluster)
    assert (first.fit, first.size, first.score) == (40.0, 0.0, 40.0)
    # Suggested at 0.5 → 20; 100亿 → log10(100)/3 of 20 = 13.33; listed → +5.
    assert (second.fit, second.size) == (20.0, 18.33)
    assert second.score == pytest.approx(38.33)
    assert "上市企业 / listed company" in second.reasons
    assert not any("近期动态" in " ".join(t.reasons) for t in (first, second))  # no news about either


def test_recent_news_events_from_a_registered_source_lift_a_target(session, cluster):
    far = cluster.orgs["远方器械"].id
    now = datetime(2026, 6, 1)

    def source(session, ids, since):
        return [targets.EventSignal(far, "agreement_signed", "签约共建检测中心", now - timedelta(days=10)),
                targets.EventSignal(far, "investment", "完成B轮融资", now - timedelta(days=40)),
                targets.EventSignal(far, "investment", "很久以前的融资", now - timedelta(days=900))]

    targets.register_event_source(source)
    try:
        first, second = ranked(session, cluster, now=now)
    finally:
        targets.unregister_event_source(source)
    assert first.organization.name == "远方器械"
    assert first.news == 10.0   # two recent events of the saturation three; the old one does not count
    assert any("签约共建检测中心" in r for r in first.reasons)


def test_a_region_is_required(session, cluster):
    with pytest.raises(ValidationError):
        targets.rank_targets(session, cluster.chains, ANONYMOUS, " ", "medical_device", "rnd")
