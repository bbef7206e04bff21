"""Text limits count Unicode scalars and bound the stored UTF-8 size (SPEC 2): a name of one letter
and 400,000 combining accents is one "character" to Swift's String.count but 400,001 scalars and
800,001 bytes, and is refused. A name takes 200 scalars; notes take 100,000."""
import json


def post_student(crm, **fields):
    # Raw UTF-8 (not \\u escapes), so the 400,001-scalar name stays under the 1 MiB body limit.
    body = json.dumps(fields, ensure_ascii=False).encode()
    return crm.api.post(f"{crm.base}/api/students", data=body, headers={"Content-Type": "application/json"}, timeout=60)


def assert_refused(answer, field):
    assert answer.status_code == 422, f"{answer.status_code}: {answer.text[:200]}"
    assert answer.json()["error"]["field"] == field


def test_a_name_of_one_letter_and_400000_combining_accents_is_refused(crm):
    assert_refused(post_student(crm, name="a" + "\u0301" * 400_000), "name")


def test_a_name_takes_200_scalars_and_not_201(crm):
    assert post_student(crm, name="n" * 200).status_code == 201
    assert_refused(post_student(crm, name="n" * 201), "name")
    assert_refused(post_student(crm, name="e" + "\u0301" * 199 + "x"), "name")  # 201 scalars, 2 characters


def test_notes_take_100000_characters_and_not_100001(crm):
    answer = post_student(crm, name="Long notes", notes="x" * 100_000)
    assert answer.status_code == 201, f"{answer.status_code}: {answer.text[:200]}"
    assert len(answer.json()["notes"]) == 100_000
    assert_refused(post_student(crm, name="Too long notes", notes="x" * 100_001), "notes")
