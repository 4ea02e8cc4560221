"""Needs over HTTP: GET /api/needs/export (the list's filters, every page, audited),
GET /api/needs/import-template, and the export going back in through POST /api/needs/import."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from medbridge.accounts import audit
from medbridge.needs import service
from tests.factories import make_org


def seed(db) -> None:
    with db.session() as session:
        org = make_org(session, name="示范创投", kind="investor")
        for number in range(25):
            service.create_need(session, {"kind": "investment_thesis", "title": f"投资方向{number}", "owner_id": org.id,
                                          "code": f"TZ-{number:02d}", "fields": ["ivd"]}, "seed")
        service.create_need(session, {"kind": "tech_need", "title": "寻找合作", "owner_id": org.id, "code": "JS-1"},
                            "seed")


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_export_is_every_page_of_the_filtered_list_for_anyone_and_audited(client, db):
    seed(db)
    response = client.get("/api/needs/export", params={"format": "csv", "kind": "investment_thesis", "per_page": 5})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="needs.csv"' in response.headers["content-disposition"]
    codes = [row[0] for row in csv_rows(response.content)[1:]]
    assert sorted(codes) == [f"TZ-{number:02d}" for number in range(25)]
    english = client.get("/api/needs/export", params={"lang": "en", "q": "合作"})
    header, *rows = load_workbook(io.BytesIO(english.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    assert header[:3] == ("Code", "Kind", "Title") and [row[:2] for row in rows] == [("JS-1", "Technology need")]
    assert client.get("/api/needs/export", params={"kind": "wish"}).status_code == 422
    with db.session() as session:
        events, total = audit.list_events(session, action="need.export")
        assert total == 2 and {event.detail["format"] for event in events} == {"csv", "xlsx"}


def test_an_exported_file_imports_back_unchanged(admin_client, db):
    seed(db)
    exported = admin_client.get("/api/needs/export", params={"format": "xlsx"}).content
    response = admin_client.post("/api/needs/import", files={"file": ("needs.xlsx", exported, "application/octet-stream")})
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["updated"], response.json()["unchanged"]) == (0, 0, 26)


def test_the_import_template_names_the_columns_in_the_language_asked(client, admin_client, db):
    template = client.get("/api/needs/import-template", params={"format": "csv", "lang": "en"})
    assert template.status_code == 200 and 'filename="needs-template.csv"' in template.headers["content-disposition"]
    header, example = csv_rows(template.content)
    assert header[:4] == ["Code", "Kind", "Title", "Description"] and example[1] == "Technology need"
    assert client.get("/api/needs/import-template").content[:2] == b"PK"  # xlsx unless asked
    assert client.get("/api/needs/import-template", params={"format": "pdf"}).status_code == 422
    with db.session() as session:
        make_org(session, name=example[header.index("Organization")], kind="enterprise")
    imported = admin_client.post("/api/needs/import", files={"file": ("t.csv", template.content, "text/csv")})
    assert imported.status_code == 200 and imported.json()["created"] == 1
