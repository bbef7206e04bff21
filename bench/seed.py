"""Fills a database that `crm migrate` created with students and consultations.

Rows are written straight with sqlite3, in exactly the representation Fluent's SQLite driver uses
for this schema (checked by creating rows through the API and reading them back):
  - UUIDs: TEXT, upper-case, hyphenated ("9DA25EAB-0DAB-4236-ACB2-D3C4AA971A3D")
  - dates: REAL, seconds since 1970 (Date.timeIntervalSince1970)
  - bools: INTEGER 0/1
  - JSON (questions_and_answers): TEXT, compact JSON array; NULL for manual consultations
  - student emails lower-cased (the app normalises them)
"""

import json
import random
import sqlite3
import time
import uuid

FIRST = ["Ana", "Jonas", "Mia", "Liam", "Noah", "Emma", "Olivia", "Lucas", "Sofia", "Elias", "Maja", "Leon",
         "Ida", "Felix", "Clara", "Oskar", "Nora", "Hugo", "Alva", "Theo", "Ella", "Axel", "Freja", "Isak",
         "Ebba", "Arvid", "Saga", "Malte", "Wilma", "Viktor", "Hanna", "Emil", "Lea", "Anton", "Selma", "Otto"]
LAST = ["Berg", "Lindqvist", "Nilsson", "Karlsson", "Andersson", "Johansson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Lindberg",
        "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindgren", "Axelsson", "Bergström", "Lundberg",
        "Lundgren", "Lind", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg"]
TYPES = ["Check-in", "Thesis review", "Career advice", "Exam preparation", "Project feedback", "Intro call"]
TOPICS = ["Exam preparation plan", "Chapter 2 draft", "Internship applications", "Reading list",
          "Statistics homework", "Lab report structure", "Study schedule", "Presentation rehearsal"]
WORDS = ("the student discussed progress on the assignment and agreed next steps with clear deadlines "
         "reviewed feedback from last week looked at the outline and planned the remaining chapters").split()
# A few meetings' notes carry words no other text has: the rare word of the search benchmark.
RARE_NOTE = "Scholarship committee wants a second reference letter."
RARE_SHARE = 0.0002
EVENT_TYPES = ["https://api.calendly.com/event_types/0d6c3f9e-2b7a-4f51-bc84-1e9a7d2c5f60",
               "https://api.calendly.com/event_types/8a41b2c7-6e3d-4d90-a5f2-c7b19e0d4a33"]
TZS = ["Europe/Berlin", "Europe/Stockholm", "America/New_York", "Asia/Tokyo", "UTC"]


def _uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _texts(rng, lo, hi, n=4000):
    """A pool of note-like texts (picking from a pool is much faster than building 200,000)."""
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))) for _ in range(n)]


def seed(db_path, students=10_000, consultations=200_000, now=None, rng_seed=42):
    """Writes the rows in one transaction; returns a summary dict (also lists the seeded emails)."""
    rng = random.Random(rng_seed)
    now = time.time() if now is None else now
    day = 86400.0
    con = sqlite3.connect(db_path)
    try:
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-524288")  # 512 MB: random UUID keys touch pages all over the indexes
        notes, follow_ups, student_notes = _texts(rng, 0, 40), _texts(rng, 0, 20), _texts(rng, 0, 25)
        con.execute("BEGIN")
        student_rows, student_ids, emails = [], [], []
        for i in range(students):
            sid = _uuid(rng)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first}.{last}.{i}@student.example".lower()
            created = now - rng.uniform(30, 900) * day
            archived = created + rng.uniform(1, 20) * day if rng.random() < 0.03 else None
            student_rows.append((sid, f"{first} {last}", email, f"+46 70 {i:07d}",
                                 rng.choice(student_notes), rng.choice(["manual", "calendly", "calendly"]),
                                 archived, created, created))
            student_ids.append(sid)
            emails.append(email)
        con.executemany("INSERT INTO students (id, name, email, phone, notes, source, archived_at, created_at, updated_at) "
                        "VALUES (?,?,?,?,?,?,?,?,?)", student_rows)

        rows = []
        counts = {"future_scheduled": 0, "future": 0, "past": 0, "calendly": 0, "rare": 0}
        held_by_student = {}
        for i in range(consultations):
            cid = _uuid(rng)
            sid = rng.choice(student_ids)
            # Two years of history and three months ahead: about 11 % of meetings are still to come.
            start = now + rng.uniform(-730, 90) * day
            start = round(start / 900.0) * 900.0  # quarter-hour slots
            duration = rng.choice([30, 30, 45, 60])
            end = start + duration * 60
            future = start > now
            r = rng.random()
            if future:
                status = "scheduled" if r < 0.9 else "canceled"
                counts["future"] += 1
                counts["future_scheduled"] += status == "scheduled"
            else:
                status = ("completed" if r < 0.78 else "no_show" if r < 0.86 else "canceled" if r < 0.96
                          else "rescheduled" if r < 0.98 else "scheduled")
                counts["past"] += 1
            created = min(start, now) - rng.uniform(1, 30) * day
            topic = rng.choice(TOPICS)
            calendly = i % 2 == 0
            note = rng.choice(notes)
            if rng.random() < RARE_SHARE:
                note += " " + RARE_NOTE  # the search benchmark's rare word
                counts["rare"] += 1
            canceled_at = canceled_by = cancel_reason = None
            if status == "canceled":
                canceled_at, canceled_by, cancel_reason = start - rng.uniform(0.1, 5) * day, "invitee", "Conflict"
            if calendly:
                counts["calendly"] += 1
                ev = _uuid(rng).lower()
                inv = _uuid(rng).lower()
                event_uri = f"https://api.calendly.com/scheduled_events/{ev}"
                row = (cid, sid, "Student consultation", start, duration, note, topic,
                       rng.choice(follow_ups) if not future else "", status, end, "google_conference",
                       f"https://meet.google.com/{ev[:3]}-{ev[4:8]}-{ev[9:12]}", event_uri,
                       f"{event_uri}/invitees/{inv}", rng.choice(EVENT_TYPES),
                       f"https://calendly.com/cancellations/{inv}", f"https://calendly.com/reschedulings/{inv}",
                       cancel_reason, canceled_by, canceled_at, None, None,
                       json.dumps([{"question": "What would you like to discuss?", "answer": topic, "position": 0}],
                                  separators=(",", ":")),
                       rng.choice(TZS), created, 0, created, created, created)
            else:
                row = (cid, sid, rng.choice(TYPES), start, duration, note, topic,
                       rng.choice(follow_ups) if not future else "", status, end, None, None, None, None, None,
                       None, None, cancel_reason, canceled_by, canceled_at, None, None, None, None, None, None, None,
                       created, created)
            rows.append(row)
            if status == "completed":
                held_by_student.setdefault(sid, []).append((cid, start))
            if len(rows) == 20_000:
                _insert_consultations(con, rows)
                rows = []
        if rows:
            _insert_consultations(con, rows)
        counts["follow_ups"] = _insert_follow_ups(con, rng, held_by_student, follow_ups, now)
        con.execute("COMMIT")
        got_s = con.execute("SELECT count(*) FROM students").fetchone()[0]
        got_c = con.execute("SELECT count(*) FROM consultations").fetchone()[0]
    finally:
        con.close()
    return {"students": got_s, "consultations": got_c, **counts, "emails": emails}


def _insert_follow_ups(con, rng, held_by_student, texts, now):
    """Up to three follow-ups from each student's latest held meetings: most done, some open
    and due (some overdue), some undated."""
    day = 86400.0
    rows = []
    for sid, held in held_by_student.items():
        for cid, start in sorted(held, key=lambda h: h[1])[-3:]:
            done = rng.random() < 0.6
            due = None
            if rng.random() < 0.7:
                due = time.strftime("%Y-%m-%d", time.gmtime(start + rng.uniform(3, 21) * day))
            text = rng.choice(texts) or "Send the reading list"
            rows.append((_uuid(rng), sid, cid, text, rng.choice(["mentor", "student"]), due,
                         start + 3 * day if done else None, start, start))
    con.executemany("INSERT INTO follow_ups (id, student_id, consultation_id, text, owner, due_on, done_at, created_at, updated_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def _insert_consultations(con, rows):
    con.executemany(
        "INSERT INTO consultations (id, student_id, type, consultation_date, duration, notes, topic, follow_up_notes, "
        "status, end_date, location, join_url, calendly_event_uri, calendly_invitee_uri, calendly_event_type_uri, "
        "cancel_url, reschedule_url, cancel_reason, canceled_by, canceled_at, rescheduled_from_id, rescheduled_to_id, "
        "questions_and_answers, invitee_timezone, calendly_updated_at, calendly_no_show, no_show_changed_at, "
        "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
