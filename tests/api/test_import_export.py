"""Importing and exporting over HTTP: the same rules as the CLI, with upload limits."""

import io

from openpyxl import Workbook, load_workbook

from tests.factories import make_org


def sheet_bytes(rows):
    book = Workbook()
    book.active.append(["code", "title", "owner", "kind", "stage"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(admin_client, content, name="outcomes.xlsx", **form):
    return admin_client.post("/api/outcomes/import", files={"file": (name, content, XLSX)}, data=form)


def test_import_writes_every_row(admin_client, db):
    with db.session() as s:
        make_org(s, name="京南医院")
    response = upload(admin_client, sheet_bytes([("H-1", "中药方剂", "京南医院", "drug", "lab"),
                                           ("H-2", "手术机器人", "京南医院", "device", "prototype")]))
    assert response.status_code == 200 and response.json()["created"] == 2
    assert admin_client.get("/api/outcomes").json()["total"] == 2


def test_import_with_a_bad_row_is_422_with_the_row_and_writes_nothing(admin_client, db):
    with db.session() as s:
        make_org(s, name="京南医院")
    response = upload(admin_client, sheet_bytes([("H-1", "中药方剂", "京南医院", "drug", "lab"),
                                           ("H-2", "机器人", "无名医院", "device", "prototype")]))
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "owner")]
    assert admin_client.get("/api/outcomes").json()["total"] == 0


def test_dry_run_writes_nothing(admin_client, db):
    with db.session() as s:
        make_org(s, name="京南医院")
    response = upload(admin_client, sheet_bytes([("H-1", "中药方剂", "京南医院", "drug", "lab")]), dry_run="true")
    assert response.json()["created"] == 1 and response.json()["dry_run"] is True
    assert admin_client.get("/api/outcomes").json()["total"] == 0


def test_an_upload_over_the_limit_is_refused_before_reading_it_all(admin_client):
    admin_client.app.state.settings = type(admin_client.app.state.settings)(database_url="", max_upload_bytes=1000)
    response = upload(admin_client, b"x" * 5000, name="big.csv")
    assert response.status_code == 413 and "MB" in response.json()["detail"]


def test_export_is_a_spreadsheet_of_the_filtered_list(admin_client, db):
    with db.session() as s:
        make_org(s, name="京南医院")
    upload(admin_client, sheet_bytes([("H-1", "中药方剂", "京南医院", "drug", "lab"),
                                ("H-2", "手术机器人", "京南医院", "device", "prototype")]))
    response = admin_client.get("/api/outcomes/export", params={"format": "xlsx", "kind": "device"})
    assert response.headers["content-type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2 and rows[1][0] == "H-2"
    template = admin_client.get("/api/outcomes/import-template", params={"format": "csv"})
    assert template.status_code == 200 and "编号" in template.content.decode("utf-8-sig")
