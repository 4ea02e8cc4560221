"""Panel assignment never gives a judge a conflicted entry, balances load and prefers expertise."""

from hypothesis import given, settings, strategies as st

from medbridge.review.panels import EntryInfo, JudgeInfo, assign, conflicts

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆"]


@st.composite
def scenarios(draw):
    judge_count = draw(st.integers(1, 8))
    entry_count = draw(st.integers(0, 12))
    orgs = st.frozensets(st.integers(1, 5), max_size=2)
    judges = [JudgeInfo(id=i + 1, name=NAMES[i % len(NAMES)] + str(i // len(NAMES)), organizations=draw(orgs),
                        fields=draw(st.frozensets(st.sampled_from(["a", "b", "c"]), max_size=2)),
                        declared=draw(st.frozensets(st.integers(100, 100 + entry_count), max_size=3)))
              for i in range(judge_count)]
    names = [j.name for j in judges]
    entries = [EntryInfo(id=100 + k, organizations=draw(orgs),
                         people=draw(st.frozensets(st.sampled_from(names), max_size=2)),
                         field=draw(st.sampled_from(["a", "b", "c"])))
               for k in range(entry_count)]
    fixed = {e.id: draw(st.lists(st.sampled_from([j.id for j in judges]), max_size=2, unique=True)) for e in entries}
    return judges, entries, draw(st.integers(1, 4)), fixed


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_no_judge_ever_gets_a_conflicted_entry(scenario):
    judges, entries, per_entry, fixed = scenario
    plan = assign(entries, judges, per_entry, fixed=fixed)
    by_id = {j.id: j for j in judges}
    for entry in entries:
        panel = plan.panels[entry.id]
        assert len(panel) == len(set(panel)), "a judge twice on one panel"
        assert all(not conflicts(by_id[j], entry) for j in panel)
        eligible = sum(1 for j in judges if not conflicts(j, entry))
        # Full panels whenever enough eligible judges exist; a shortfall is reported otherwise.
        assert len(panel) == min(per_entry, eligible) or len(panel) > per_entry - 1
        assert plan.shortfalls.get(entry.id, 0) == max(0, per_entry - len(panel))


def test_each_kind_of_conflict_excludes():
    entry = EntryInfo(id=1, organizations=frozenset({10}), people=frozenset({"张伟"}))
    assert conflicts(JudgeInfo(2, "王芳", organizations=frozenset({10})), entry) == ["same_organization"]
    assert conflicts(JudgeInfo(3, "张伟"), entry) == ["co_inventor"]
    assert conflicts(JudgeInfo(4, "李娜", declared=frozenset({1})), entry) == ["declared"]
    assert conflicts(JudgeInfo(5, "刘洋", organizations=frozenset({11})), entry) == []


def test_loads_are_even_and_expertise_is_preferred():
    judges = [JudgeInfo(i, f"j{i}", fields=frozenset({"a"} if i <= 2 else {"b"})) for i in range(1, 5)]
    entries = [EntryInfo(100 + k, field="a") for k in range(4)]
    plan = assign(entries, judges, per_entry=2)
    assert sorted(plan.load().values()) == [2, 2, 2, 2]
    assert plan.panels[100] == [1, 2]          # the two experts in field a go first
    assert not plan.shortfalls


def test_an_entry_every_judge_conflicts_with_gets_nobody_and_a_shortfall():
    judges = [JudgeInfo(1, "x", organizations=frozenset({9}))]
    plan = assign([EntryInfo(7, organizations=frozenset({9}))], judges, per_entry=2)
    assert plan.panels == {7: []} and plan.shortfalls == {7: 2}
