"""The exports (SPEC 12) read by independent parsers: Python's `csv` module for the CSVs, `json`
for the document. Every student and consultation is there with its fields, tricky text survives,
and a cell that would run as a spreadsheet formula is written as text."""
import csv
import io

import pytest

from crm_server import CRMServer


@pytest.fixture(scope="module")
def crm():
    server = CRMServer()
    yield server
    server.stop()


def defused(value: str) -> str:
    """What the export writes for a cell a spreadsheet would run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def test_exports_carry_every_student_and_consultation(crm):
    tricky = [
        {"name": "Zoë \"Z\" Ångström, Ph.D.", "email": "zoe@student.example", "phone": "+44 20 7946 0958",
         "notes": "Line one;\nline two, with a comma\r\nand \"quotes\"", "time_zone": "Europe/Stockholm"},
        {"name": "=HYPERLINK(\"http://evil.example\")", "email": "", "phone": "", "notes": "@mention -minus"},
        {"name": "Plain Student", "email": "plain@student.example", "phone": "555-0100", "notes": ""},
    ]
    made = []
    for student in tricky:
        response = crm.api.post(f"{crm.base}/api/students", json=student)
        assert response.status_code == 201, response.text
        made.append(response.json())
    consultation = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": made[0]["id"], "type": "Mentoring", "consultation_date": "2031-01-02T10:00:00Z", "duration": 45,
        "topic": "Essay, draft 2", "notes": "Agreed:\n- outline\n- sources"}).json()

    response = crm.api.get(f"{crm.base}/api/export/students.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == 3
    for student in made:
        row = by_id[student["id"].upper()] if student["id"].upper() in by_id else by_id[student["id"]]
        for field in ("name", "email", "phone", "notes"):
            assert row[field] == defused(student[field]), field
    assert by_id.get(made[1]["id"], by_id.get(made[1]["id"].upper()))["name"].startswith("'="), "a formula is written as text"
    assert by_id.get(made[0]["id"], by_id.get(made[0]["id"].upper()))["time_zone"] == "Europe/Stockholm"

    consultations = list(csv.DictReader(io.StringIO(crm.api.get(f"{crm.base}/api/export/consultations.csv").content.decode("utf-8"), newline="")))
    [row] = consultations
    assert row["student_name"] == made[0]["name"] and row["student_email"] == "zoe@student.example"
    assert row["topic"] == "Essay, draft 2" and row["notes"] == "Agreed:\n- outline\n- sources"
    assert row["consultation_date"] == "2031-01-02T10:00:00Z" and row["duration"] == "45"

    document = crm.api.get(f"{crm.base}/api/export.json").json()
    assert {s["id"] for s in document["students"]} == {s["id"] for s in made}
    assert [c["id"] for c in document["consultations"]] == [consultation["id"]]
    assert "password" not in response.text.lower()
    assert crm.api.get(f"{crm.base}/api/export.json", headers={"Authorization": ""}).status_code == 401
