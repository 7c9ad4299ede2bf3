"""The expiry reminder: queued on its day by the scheduled job, to the warranty's owner then."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from doctypes.email.model import EmailMessage
from doctypes.warranty import reminders
from doctypes.warranty.model import Warranty
from tests.support.helpers import context, key_headers
from traciqo_rpc.db import utcnow

API = "/api/method/doctypes.warranty.api."


@pytest.fixture
def headers(client, workspace):
    headers = key_headers(workspace)
    client.post("/api/method/doctypes.product.api.upsert_product", json={"name": "Drill", "warranty_months": 24},
                headers=headers)
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers, json={
        "serial_numbers": [{"serial_number": f"SN-{n}", "product_id": "PRD-00001"} for n in range(1, 5)]})
    return headers


def activate(client, headers, serial="SN-1", email="jane@example.com", **extra):
    response = client.post(API + "activate_warranty", headers=headers, json={
        "serial_number": serial, "customer_name": email.split("@")[0].title(), "customer_email": email, **extra})
    assert response.status_code == 200, response.text
    return response.json()["message"]


def reminders_to(kind="warranty_reminder"):
    return sorted((m.to, m.subject) for m in EmailMessage.select().where(EmailMessage.kind == kind))


def day_of(warranty) -> dt.date:
    return Warranty.get_by_id(warranty["id"]).remind_on


def test_reminder_day_is_a_month_before_the_end_when_still_ahead():
    now = dt.datetime(2026, 3, 1, 12, 0)
    assert reminders.reminder_day(dt.date(2027, 3, 1), now) == dt.date(2027, 1, 30)
    assert reminders.reminder_day(dt.date(2026, 4, 1), now) == dt.date(2026, 3, 2)
    # The reminder goes out at 09:00 UTC: on its own day after that, it is too late.
    assert reminders.reminder_day(dt.date(2026, 3, 31), dt.datetime(2026, 3, 1, 8, 59)) == dt.date(2026, 3, 1)
    assert reminders.reminder_day(dt.date(2026, 3, 31), dt.datetime(2026, 3, 1, 9, 0)) is None
    assert reminders.reminder_day(dt.date(2026, 3, 20), now) is None


def test_the_job_queues_each_reminder_once_on_its_day(rt, client, headers):
    warranty = activate(client, headers)
    day = day_of(warranty)
    with rt.database.atomic():
        assert reminders.queue_due(context(rt), dt.datetime.combine(day - dt.timedelta(days=1), dt.time(23))) == 0
        assert reminders.queue_due(context(rt), dt.datetime.combine(day, dt.time(8, 59))) == 0
    assert reminders_to() == []
    assert reminders.queue_all_due(context(rt), dt.datetime.combine(day, dt.time(9))) == 1
    subject = f"Your warranty for Drill ends on {warranty['ends_on']}"
    assert reminders_to() == [("jane@example.com", subject)]
    [message] = EmailMessage.select().where(EmailMessage.kind == "warranty_reminder")
    assert "serial SN-1" in message.body and message.workspace_id == Warranty.get_by_id(warranty["id"]).workspace_id
    assert day_of(warranty) is None
    assert reminders.queue_all_due(context(rt), dt.datetime.combine(day, dt.time(10))) == 0  # once only
    assert len(reminders_to()) == 1


def test_a_transferred_warranty_reminds_its_new_owner(rt, client, headers):
    warranty = activate(client, headers)
    response = client.post(API + "transfer_warranty", headers=headers, json={
        "warranty_id": warranty["id"], "customer_name": "Max", "customer_email": "max@example.com"})
    assert response.status_code == 200
    assert reminders.queue_all_due(context(rt), dt.datetime.combine(day_of(warranty), dt.time(12))) == 1
    assert [to for to, _ in reminders_to()] == ["max@example.com"]


def test_a_void_warranty_sends_no_reminder(rt, client, headers):
    warranty = activate(client, headers)
    day = day_of(warranty)
    assert client.post(API + "void_warranty", headers=headers, json={"warranty_id": warranty["id"]}).status_code == 200
    assert day_of(warranty) is None
    assert reminders.queue_all_due(context(rt), dt.datetime.combine(day, dt.time(12))) == 0
    assert reminders_to() == []


def test_a_purchase_long_ago_gets_no_reminder(client, headers):
    # 24 months from 23 months ago: the end is a month away, the reminder day has passed.
    bought = (utcnow().date().replace(day=1) - dt.timedelta(days=700)).isoformat()
    warranty = activate(client, headers, purchase_date=bought)
    assert dt.date.fromisoformat(warranty["ends_on"]) - dt.timedelta(days=30) <= utcnow().date()
    assert day_of(warranty) is None


def test_reminders_stay_in_their_workspace_and_environment(rt, client, headers, workspace, make_workspace):
    other = key_headers(make_workspace("other"))
    sandbox = key_headers(workspace, "sandbox")
    for each in (other, sandbox):
        client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=each,
                    json={"serial_numbers": [{"serial_number": "SN-1"}]})
    mine = activate(client, headers, email="jane@example.com")
    activate(client, other, email="olga@example.com")
    activate(client, sandbox, email="sam@example.com")
    later = dt.datetime.combine(day_of(mine) + dt.timedelta(days=400), dt.time(12))
    assert reminders.queue_all_due(context(rt), later) == 3
    outbox = {m.to: (m.workspace_id, m.is_sandbox) for m in EmailMessage.select()
              .where(EmailMessage.kind == "warranty_reminder")}
    for email, each in (("jane@example.com", headers), ("olga@example.com", other), ("sam@example.com", sandbox)):
        listed = client.get("/api/method/doctypes.email.api.list_emails", headers=each,
                            params={"to": email, "status": "queued"}).json()["message"]["data"]
        assert {m["kind"] for m in listed} == {"warranty_confirmation", "warranty_reminder"}
        assert sum(m["to"] != email for m in client.get("/api/method/doctypes.email.api.list_emails",
                                                       headers=each).json()["message"]["data"]) == 0
    assert outbox["sam@example.com"][1] is True and outbox["jane@example.com"][1] is False


def test_many_due_reminders_go_in_batches(rt, client, headers, monkeypatch):
    monkeypatch.setattr(reminders, "BATCH", 2)
    warranties = [activate(client, headers, f"SN-{n}", email=f"c{n}@example.com") for n in range(1, 5)]
    later = dt.datetime.combine(max(day_of(w) for w in warranties), dt.time(12))
    assert reminders.queue_all_due(context(rt), later) == 4
    assert len(reminders_to()) == 4


def test_the_scheduled_job_is_wired(rt):
    assert "doctypes.warranty.jobs.queue_warranty_reminders" in rt.registry.jobs


def test_two_runs_at_once_queue_each_reminder_once(rt, client, headers):
    warranties = [activate(client, headers, f"SN-{n}", email=f"c{n}@example.com") for n in range(1, 5)]
    later = dt.datetime.combine(max(day_of(w) for w in warranties), dt.time(12))
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda _: reminders.queue_all_due(context(rt), later), range(2)))
    assert sum(counts) == 4
    assert sorted(to for to, _ in reminders_to()) == [f"c{n}@example.com" for n in range(1, 5)]
