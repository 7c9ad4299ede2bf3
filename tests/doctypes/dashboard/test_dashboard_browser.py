"""The dashboard in a real headless Chromium: sign in, keys (a secret shown once), the sandbox
switch, sign out, and a role that may not."""

from __future__ import annotations

import re

import pytest

from tests.support.dashboard import PASSWORD, add_person, sign_in_page
from tests.support.helpers import deliver_until


@pytest.fixture
def people(rt, workspace):
    for email, role in (("ann@example.com", "owner"), ("vic@example.com", "viewer")):
        add_person(rt, email, role)


def test_sign_in_create_a_key_see_its_secret_once_switch_and_sign_out(site, people, open_page):
    page, response = open_page(site.base + "/app/keys")
    assert page.url == site.base + "/login?next=/app/keys"
    sign_in_page(page, "ann@example.com", "not the password")
    page.get_by_role("alert").filter(has_text="Incorrect email or password").wait_for()
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/keys")
    assert page.get_by_role("heading", name="API keys").is_visible()

    page.get_by_label("Name").fill("ci deploys")
    page.get_by_label("Access").select_option(label="Read only")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#issued-secret")
    secret.wait_for()
    shown = secret.text_content()
    assert shown and len(shown) >= 40 and page.locator("#issued-key").text_content().startswith("tq_live_")

    page.get_by_label("Name").fill("ci deploys")  # the same name again: refused beside its field or in the alert
    page.get_by_role("button", name="Create key").click()
    page.locator(".error:not(:empty), .alert:not(:empty)").first.wait_for()

    page.reload()
    assert "ci deploys" in page.content() and shown not in page.content()  # the secret was shown once

    page.get_by_role("button", name=re.compile("Switch to sandbox")).click()
    page.get_by_role("note").filter(has_text="Sandbox").wait_for()
    assert "tq_test_" in page.content() and "ci deploys" not in page.content()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.goto(site.base + "/app")
    assert page.url.startswith(site.base + "/login")


def test_a_viewer_cannot_open_the_keys(site, people, open_page):
    page, _ = open_page(site.base + "/login")
    sign_in_page(page, "vic@example.com")
    page.wait_for_url(site.base + "/app")
    assert page.get_by_role("link", name="Overview").get_attribute("aria-current") == "page"
    response = page.goto(site.base + "/app/keys")
    assert response.status == 403 and "keys permission" in page.content()


def test_keyboard_only_sign_in(site, people, open_page):
    page, _ = open_page(site.base + "/login")
    page.keyboard.press("Tab")  # the skip link first
    page.keyboard.press("Tab")
    page.keyboard.type("ann@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(site.base + "/app")


def test_register_a_webhook_and_see_the_ping_test_in_the_delivery_log(rt, site, people, open_page):
    import http.server
    import threading

    received: list[bytes] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
        page, _ = open_page(site.base + "/app/webhooks")
        sign_in_page(page, "ann@example.com")
        page.wait_for_url(site.base + "/app/webhooks")
        page.get_by_label("URL").fill(hook)
        page.get_by_label("Ping Test").check()
        page.get_by_role("button", name="Add endpoint").click()
        page.locator("#signing-secret").wait_for()
        assert page.locator("#signing-secret").text_content().startswith("whsec_")
        page.reload()
        page.get_by_role("button", name=f"Ping Test {hook}").click()
        page.wait_for_load_state()
        deliver_until(rt, lambda: received)  # the worker's part (with a real Redis, run here)
        for _ in range(50):  # the delivery's state is written just after the answer arrives
            page.reload()
            if "succeeded" in page.locator("table", has_text="Deliveries:").text_content():
                break
            page.wait_for_timeout(100)
        log = page.locator("table", has_text="Deliveries:")
        assert "Ping Test" in log.text_content() and "succeeded" in log.text_content()
        assert received and b"Ping from traciqo" in received[0]
        log.get_by_role("link", name="Ping Test").click()
        page.get_by_role("heading", name=re.compile("Delivery")).wait_for()
        attempts = page.locator("table", has_text="Attempts").text_content()
        assert "200" in attempts and "ok" in attempts
    finally:
        server.shutdown()
        server.server_close()


def test_create_a_tracker_and_move_it_through_its_steps(site, people, open_page):
    page, _ = open_page(site.base + "/app/trackers")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/trackers")
    page.get_by_label("Name", exact=True).fill("Order 1001")
    page.get_by_label("Template").select_option("repair-service")
    page.get_by_role("button", name="Create tracker").click()
    page.get_by_role("link", name="Order 1001").click()
    page.get_by_role("heading", name="Order 1001").wait_for()
    assert "(internal: never shown to the customer)" in page.content()  # Testing is internal
    steps = ["Device Received", "Diagnosis", "Awaiting Parts", "Repair", "Testing", "Ready for Collection"]
    page.get_by_role("button", name="Start Diagnosis").click()
    page.get_by_text("now Diagnosis").wait_for()
    for step in steps:
        page.get_by_role("button", name=f"Complete {step}").click()
        page.get_by_role("button", name=f"Complete {step}").wait_for(state="detached")
    assert "Done" in page.locator("main > p").nth(1).text_content()
    public = page.locator("a[href*=\"/track/\"]").first.get_attribute("href")
    page.goto(site.base + public[public.index("/track/"):])  # the link names TRACIQO_BASE_URL's host
    assert "Completed" in page.content() and "Testing" not in page.content()


def test_invite_a_viewer_who_joins_and_cannot_change_anything(site, people, open_page):
    from doctypes.email.model import EmailMessage

    page, _ = open_page(site.base + "/app/members")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/members")
    page.get_by_label("Email").fill("newbie@example.com")
    page.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("newbie@example.com as viewer").wait_for()
    mail = EmailMessage.select().where(EmailMessage.to == "newbie@example.com").get()
    link = re.search(r"/invite/\S+", mail.body)[0]

    newbie, _ = open_page(site.base + link)  # another browser context: no session
    newbie.get_by_label("Your name").fill("New Bie")
    newbie.get_by_label(re.compile("Choose a password")).fill("a long new password")
    newbie.get_by_role("button", name="Join").click()
    newbie.wait_for_url(site.base + "/app")
    assert "acme · viewer" in newbie.content()
    newbie.goto(site.base + "/app/trackers")
    assert "Create tracker" not in newbie.content()
    status = newbie.evaluate("""() => fetch('/api/method/doctypes.product.api.upsert_product', {method: 'POST',
        headers: {'X-Frappe-CSRF-Token': document.querySelector('meta[name=csrf-token]').content,
                  'Content-Type': 'application/json'}, body: JSON.stringify({name: 'Sneaky'})}).then(r => r.status)""")
    assert status == 403
    assert newbie.goto(site.base + "/app/keys").status == 403
    page.reload()
    assert "newbie@example.com" in page.locator("table", has_text="Members").text_content()


def test_forgot_password_link_sets_a_new_one(site, people, open_page):
    from doctypes.email.model import EmailMessage

    page, _ = open_page(site.base + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_role("button", name="Email me a link").click()
    page.get_by_role("status").wait_for()
    mail = EmailMessage.select().where(EmailMessage.to == "ann@example.com").get()
    page.goto(site.base + re.search(r"/reset/\S+", mail.body)[0])
    page.get_by_label(re.compile("New password")).fill("my brand new password")
    page.get_by_role("button", name="Set the new password").click()
    page.wait_for_url(re.compile("/login"))
    sign_in_page(page, "ann@example.com", "my brand new password")
    page.wait_for_url(site.base + "/app")


def test_turn_the_second_factor_on_and_sign_in_with_it(site, people, open_page):
    import time

    import pyotp

    page, _ = open_page(site.base + "/app/account")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/account")
    page.get_by_role("button", name="Set it up").click()
    key = page.locator("#totp [data-value=secret]")
    key.wait_for()
    totp = pyotp.TOTP(key.text_content())
    page.get_by_label("The code the app shows").fill(totp.now())
    page.get_by_role("button", name="Turn it on").click()
    page.get_by_role("heading", name="Second factor: on").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("/login"))
    sign_in_page(page, "ann@example.com")
    page.get_by_role("alert").filter(has_text="authenticator").wait_for()
    page.get_by_label(re.compile("Authenticator code")).fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site.base + "/app")


def test_create_a_batch_and_download_its_csv_and_label_pdf(site, people, open_page):
    import csv
    import io
    from pathlib import Path

    zxingcpp = pytest.importorskip("zxingcpp")
    pdfium = pytest.importorskip("pypdfium2")
    page, _ = open_page(site.base + "/app/codes", accept_downloads=True)
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/codes")
    page.get_by_label("Batch name").fill("Spring run")
    page.get_by_label("How many codes").fill("5")
    page.get_by_role("button", name="Issue codes").click()
    page.get_by_role("cell", name="Spring run", exact=True).wait_for()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV", exact=True).click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text())))
    assert len(rows) == 5
    page.get_by_label("Label layout for Spring run").select_option("avery-5160")
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Label sheet of Spring run").click()
    assert pdf_download.value.suggested_filename == "labels-spring-run-avery-5160.pdf"
    document = pdfium.PdfDocument(Path(pdf_download.value.path()).read_bytes())
    image = document[0].render(scale=300 / 72).to_pil()
    found = sorted(b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))
    assert found == sorted(row["verification_url"] for row in rows)


def test_activate_a_warranty_find_it_and_transfer_it(site, people, open_page):
    from tests.support.browser import post

    post(site.api, "doctypes.serial_number.api.add_serial_numbers",
         serial_numbers=[{"serial_number": "SN-100"}, {"serial_number": "SN-101"}])
    page, _ = open_page(site.base + "/app/warranties")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/warranties")
    page.get_by_label("Serial number").fill("SN-404")
    page.get_by_label("Customer name").fill("Jane Buyer")
    page.get_by_label("Customer email", exact=True).first.fill("jane@example.com")
    page.get_by_role("button", name="Activate").click()
    page.locator(".alert:not(:empty)").first.wait_for()  # an unknown serial, said in the form
    page.get_by_label("Serial number").fill("SN-100")
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("cell", name="SN-100", exact=True).wait_for()
    page.get_by_label("Customer email", exact=True).last.fill("jane@example.com")
    page.get_by_role("button", name="Search").click()
    assert "1 warranties" in page.content()
    page.get_by_text("Transfer", exact=True).first.click()
    page.get_by_label("New owner", exact=True).fill("Bob Second")
    page.get_by_label("New owner email").fill("bob@example.com")
    page.get_by_role("button", name="Transfer the warranty of SN-100").click()
    page.wait_for_load_state()
    page.get_by_text("0 warranties").wait_for()  # Jane's search: the warranty is Bob's now
    page.goto(site.base + "/app/warranties")
    assert "Bob Second" in page.get_by_role("row", name=re.compile("SN-100")).text_content()


def test_upload_a_logo_for_the_tracking_pages(site, people, open_page, tmp_path):
    from PIL import Image

    logo, pdf = tmp_path / "logo.png", tmp_path / "terms.pdf"
    Image.new("RGB", (64, 32), "#1d4ed8").save(logo)
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page, _ = open_page(site.base + "/app/workspace")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/workspace")
    assert page.get_by_text("No logo yet").is_visible()

    page.get_by_label("Logo image").set_input_files(str(pdf))  # an upload browsers cannot show as a logo
    page.get_by_role("button", name="Upload logo").click()
    page.get_by_role("alert").filter(has_text="PNG, JPEG, GIF or WebP").wait_for()

    page.get_by_label("Logo image").set_input_files(str(logo))
    page.get_by_role("button", name="Upload logo").click()
    shown = page.get_by_role("img", name="The current logo")
    shown.wait_for()
    assert shown.evaluate("image => image.complete && image.naturalWidth") == 64  # served from our /files/
    saved = site.api.get("/api/method/doctypes.branding.api.get_branding").json()["message"]["logo_url"]
    assert re.search(r"/files/[0-9a-f]+/logo\.png$", saved)
