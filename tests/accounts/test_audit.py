"""The audit trail: recorded, filtered, paged, exported."""

import csv
import io
from datetime import timedelta

from medbridge.accounts import audit
from medbridge.accounts.models import AuditEvent
from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE
from medbridge.db.base import utcnow
from medbridge.library import actions


def test_actions_leave_events_with_who_what_and_when(session, outcomes, viewers):
    tto = viewers()["tto"]
    actions.update(session, tto, outcomes["public"], {"trl": 8}, reason="注册检验")
    actions.view(session, tto, outcomes["confidential"].id, client="10.1.2.3")
    audit.record(session, ANONYMOUS, "login.failed", "user", None, client="10.9.9.9", username="guess")
    session.flush()
    events, total = audit.list_events(session)
    assert total == 3
    assert [(e.action, e.username) for e in events] == [
        ("login.failed", "anonymous"), ("outcome.view_detail", "tto"), ("outcome.update", "tto")]
    assert events[1].client == "10.1.2.3" and events[1].detail == {"confidentiality": "confidential"}
    assert events[2].target_type == "outcome" and events[2].target_id == outcomes["public"].id
    assert events[2].user_id == tto.user_id and events[2].detail["fields"] == ["trl"]


def test_filters_by_action_prefix_person_target_and_time(session):
    for i, (action, who) in enumerate([("outcome.create", "a"), ("outcome.update", "a"), ("access.grant", "b"),
                                       ("outcome.update", "b"), ("export", "a")]):
        session.add(AuditEvent(action=action, username=who, target_type="outcome", target_id=i,
                               at=utcnow() - timedelta(days=4 - i)))
    session.flush()
    assert audit.list_events(session, action="outcome.")[1] == 3
    assert audit.list_events(session, action="outcome.update", username="b")[1] == 1
    assert audit.list_events(session, target_type="outcome", target_id=2)[0][0].action == "access.grant"
    recent, total = audit.list_events(session, since=utcnow() - timedelta(days=1, hours=12))
    assert total == 2 and {e.target_id for e in recent} == {3, 4}
    old = audit.list_events(session, until=utcnow() - timedelta(days=3, hours=12))[0]
    assert [e.target_id for e in old] == [0]
    first, total = audit.list_events(session, page=1, per_page=2)
    second = audit.list_events(session, page=2, per_page=2)[0]
    assert total == 5 and [e.target_id for e in first + second] == [4, 3, 2, 1]  # newest first


def test_the_csv_opens_in_excel_and_lists_every_event(session):
    audit.record(session, COMMAND_LINE, "user.disable", "user", 7, reason="离职")
    audit.record(session, ANONYMOUS, "login.failed", client="10.0.0.1", username="王,五")
    session.flush()
    content = audit.events_csv(audit.list_events(session)[0])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["at", "username", "action", "target_type", "target_id", "detail", "client"]
    assert {(r[1], r[2]) for r in rows[1:]} == {("cli", "user.disable"), ("anonymous", "login.failed")}
    assert any("王,五" in r[5] for r in rows[1:])  # a comma in the detail stays in its cell
