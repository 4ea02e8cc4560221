"""Cycle-time arithmetic on a known set of deals, computed by hand in the comments."""

from datetime import date, timedelta

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.transfer import analytics, service

START = date(2024, 1, 1)


def deal_through(session, world, steps, mode="license"):
    """steps: [(stage, days after the previous step)]."""
    deal = service.create_deal(session, world.owner, world.public.id, [world.enterprise.id], mode, started_on=START)
    day = START
    for stage, days in steps:
        day += timedelta(days=days)
        service.move_deal(session, world.owner, deal, stage, day, reason="x" if stage == "lost" else "")
    return deal


def test_cycle_times_on_a_known_set(session, world):
    # contacted stays: 10, 20, 30, 40 days; nda stays: 5, 15 (two deals went through an NDA).
    deal_through(session, world, [("nda", 10), ("signed", 5)])                   # signed after 15 days
    deal_through(session, world, [("nda", 20), ("signed", 15)])                  # signed after 35 days
    deal_through(session, world, [("negotiation", 30), ("signed", 60)], "equity")  # signed after 90 days
    deal_through(session, world, [("lost", 40)])
    result = analytics.report(session, COMMAND_LINE)
    assert result["deals"] == 4
    # contacted: [10, 20, 30, 40] → inclusive quartiles 17.5, 25, 32.5
    assert result["stages"]["contacted"] == {"count": 4, "q1": 17.5, "median": 25.0, "q3": 32.5, "min": 10, "max": 40}
    assert result["stages"]["nda"]["median"] == 10.0                    # [5, 15]
    assert result["stages"]["negotiation"]["count"] == 1                # [60]
    assert "signed" not in result["stages"]                             # still in it: no finished stay
    # end to end (to signed): [15, 35, 90] → q1 25, median 35, q3 62.5
    assert result["end_to_end"] == {"count": 3, "q1": 25.0, "median": 35.0, "q3": 62.5, "min": 15, "max": 90}
    assert result["by"]["mode"]["equity"]["median"] == 90.0
    assert result["by"]["mode"]["license"]["median"] == 25.0           # [15, 35]
    assert result["by"]["year"]["2024"]["count"] == 3
    funnel = dict(result["funnel"])
    assert funnel["contacted"] == 4 and funnel["nda"] == 3 and funnel["negotiation"] == 3
    assert funnel["signed"] == 3 and funnel["closed"] == 0 and funnel["lost"] == 1


def test_one_value_is_its_own_quartiles():
    assert analytics.summarize([7]).as_dict() == {"count": 1, "q1": 7, "median": 7, "q3": 7, "min": 7, "max": 7}
    assert analytics.summarize([]) is None
