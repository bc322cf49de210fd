"""The model case in a real browser: Debian's chromium driven by selenium against a real
`docket serve` on loopback, three people taking a Best Value update from drafting to the
Board's published agenda. Every main page is checked for its heading and the content it is
there to show (an error page, or a page that shows nothing, fails), screenshotted, and checked
with axe-core for serious or critical accessibility violations.

Run by scripts/test:  python3 Tests/Browser/test_model_case.py DOCKET_BINARY SCREENSHOT_DIR
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from axe_selenium_python import Axe
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from loopback import chromium, free_port, stop

DOCKET = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/docket"
SHOTS = sys.argv[2] if len(sys.argv) > 2 else ".build/browser-screenshots"
PASSWORD = "best-value-2016"


class ModelCaseInABrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="docket-browser-")
        cls.archive = os.path.join(cls.work, "archive")
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        cls.log = open(os.path.join(cls.work, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [DOCKET, "serve", "--demo", "--archive", cls.archive, "--port", str(cls.port)],
            stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(cls.base + "/sign-in", timeout=2)
                break
            except Exception:
                if time.time() > deadline or cls.server.poll() is not None:
                    raise RuntimeError("docket serve did not start: " + open(cls.log.name).read())
                time.sleep(0.3)
        cls.driver = chromium()
        cls.driver.set_script_timeout(120)  # axe runs as an asynchronous script
        os.makedirs(SHOTS, exist_ok=True)
        cls.checked = []
        cls.files = {}
        for name, text in [("update.txt", "Fourth six-monthly progress report (browser test)."),
                           ("cover.txt", "Dear Secretary of State, the fourth update (browser test)."),
                           ("cover-draft.txt", "Dear Secretary of State, [draft with the wrong date]."),
                           ("response.txt", "The Commissioners reply to the fourth update (browser test).")]:
            path = os.path.join(cls.work, name)
            with open(path, "w") as handle:
                handle.write(text)
            cls.files[name] = path

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        stop(cls.server)
        cls.log.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    # Helpers

    def submit(self, button):
        """Clicks a submit button and waits until the next page has replaced this one."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        button.click()

        def replaced(_):
            # Chromium reports a node of the old document either as stale or, mid-navigation,
            # as "not belonging to the document": both mean the next page is there.
            try:
                page.is_enabled()
                return False
            except (StaleElementReferenceException, WebDriverException):
                return True

        WebDriverWait(self.driver, 30).until(replaced)

    def open(self, path):
        self.driver.get(self.base + path)

    def sign_in(self, user, password=PASSWORD):
        self.driver.delete_all_cookies()
        self.open("/sign-in")
        self.driver.find_element(By.ID, "user").send_keys(user)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        self.assertIn(f"Signed in as <strong>{user}</strong>", self.driver.page_source, self.driver.page_source[:1500])

    def check_page(self, name, heading, *texts):
        """The page is the one named: its h1 starts with `heading`, it is no error page, and
        its main content shows each of `texts`. Then a screenshot, and axe: no serious or
        critical violations."""
        main = self.driver.find_element(By.TAG_NAME, "main")
        self.assertFalse(main.find_elements(By.CSS_SELECTOR, "p.error[role=alert]"),
                         f"{name}: an error page: {main.text[:500]}")
        title = main.find_element(By.TAG_NAME, "h1").text
        self.assertTrue(title.startswith(heading), f"{name}: the heading is {title!r}, not {heading!r}")
        for text in texts:
            self.assertIn(text, main.text, f"{name} does not show {text!r}: {main.text[:1500]}")
        self.driver.save_screenshot(os.path.join(SHOTS, f"{len(self.checked) + 1:02d}-{name}.png"))
        # At 400 px wide (a phone) the page itself never scrolls sideways: wide tables scroll
        # inside themselves and long hashes wrap.
        size = self.driver.get_window_size()
        self.driver.set_window_size(400, size["height"])
        try:
            widths = self.driver.execute_script(
                "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];")
            self.assertLessEqual(widths[0], widths[1], f"{name} scrolls sideways at 400 px: {widths}")
            self.driver.save_screenshot(os.path.join(SHOTS, f"{len(self.checked) + 1:02d}-{name}-400px.png"))
        finally:
            self.driver.set_window_size(size["width"], size["height"])
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        self.assertEqual([], [(v["id"], v["impact"], v["help"], [n["html"][:120] for n in v["nodes"]][:3]) for v in bad],
                         f"axe on {name}")
        self.checked.append(name)

    def fire(self, event, fields=None, comment=None):
        form = self.driver.find_element(By.ID, f"event-{event}")
        for name, value in (fields or {}).items():
            box = form.find_element(By.NAME, f"field.{name}")
            if box.tag_name == "select":
                Select(box).select_by_value(value)  # e.g. the meeting, chosen from those to come
            elif box.get_attribute("type") == "date":
                # A date input takes the date as the browser's locale types it; set it directly.
                self.driver.execute_script("arguments[0].value = arguments[1]", box, value)
            else:
                box.send_keys(value)
        if comment:
            form.find_element(By.NAME, "comment").send_keys(comment)
        button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
        # A person reads the event's label from the workflow, not its id.
        self.assertNotEqual(event, button.text.strip(), f"the {event} button shows the raw event name")
        self.submit(button)

    def upload(self, file, kind, title, sender="", replaces=None):
        self.driver.find_element(By.ID, "upload-file").send_keys(self.files[file])
        Select(self.driver.find_element(By.ID, "upload-kind")).select_by_visible_text(kind)
        self.driver.find_element(By.ID, "upload-title").send_keys(title)
        if sender:
            self.driver.find_element(By.ID, "upload-from").send_keys(sender)
        if replaces:
            # The document in the pack this one supersedes, chosen by how the pack names it.
            box = Select(self.driver.find_element(By.ID, "upload-replaces"))
            matches = [option for option in box.options if option.text.startswith(replaces)]
            self.assertEqual(1, len(matches), [option.text for option in box.options])
            box.select_by_visible_text(matches[0].text)
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]"))

    def state(self):
        return self.driver.find_element(By.CSS_SELECTOR, ".facts dd strong").text

    # The walk

    def test_the_model_case(self):
        driver = self.driver
        # The officer drafts the fourth update and uploads its pack.
        self.sign_in("olivia")
        self.check_page("dashboard-officer", "Dashboard", "Waiting for you", "BVP")
        self.open("/submissions/new")
        self.check_page("new-submission", "New submission", "Title")
        driver.find_element(By.ID, "title").send_keys("Best Value Plan: fourth six-monthly progress update")
        Select(driver.find_element(By.ID, "series")).select_by_visible_text("BVP")
        driver.find_element(By.ID, "service").send_keys("Service Head, Corporate Strategy and Equality")
        self.submit(driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        reference = driver.find_element(By.TAG_NAME, "h1").text.split(":")[0]
        self.assertTrue(reference.startswith("BVP-"), reference)
        self.assertEqual("Being drafted", self.state())
        # Each action is confirmed on the page it leads to, and the history starts with the start.
        self.assertEqual(f"Started {reference}.", driver.find_element(By.CSS_SELECTOR, "p.flash").text)
        self.assertIn("olivia (officer): started the submission", driver.find_element(By.CSS_SELECTOR, ".history").text)
        self.upload("update.txt", "submission", "Fourth six-monthly progress report")
        self.assertIn("Archived submission", driver.find_element(By.CSS_SELECTOR, "p.flash").text)
        # A wrong cover letter is uploaded first, then replaced: it leaves the pack, stays archived.
        self.upload("cover-draft.txt", "cover-letter", "Covering letter (draft)")
        self.upload("cover.txt", "cover-letter", "The Mayor's covering letter", replaces="Covering letter (draft)")
        self.assertIn("replacing the one before", driver.find_element(By.CSS_SELECTOR, "p.flash").text)
        pack = driver.find_element(By.CSS_SELECTOR, "#documents-heading + table").text
        self.assertIn("The Mayor's covering letter", pack)
        self.assertNotIn("Covering letter (draft)", pack)
        departed = driver.find_element(By.CSS_SELECTOR, "table[aria-labelledby=departed-heading]").text
        self.assertIn("Covering letter (draft)", departed)
        self.assertIn("replaced by", departed)
        self.check_page("submission-drafting", f"{reference}: Best Value Plan: fourth",
                        "Fourth six-monthly progress report", "The Mayor's covering letter")
        self.assertEqual("Submit for the Mayor’s sign-off",
                         driver.find_element(By.CSS_SELECTOR, "#event-submit-for-sign-off button").text)
        self.fire("submit-for-sign-off")
        self.assertEqual("Awaiting the Mayor’s sign-off", self.state())
        self.assertIn("Submit for the Mayor’s sign-off: Being drafted → Awaiting the Mayor’s sign-off",
                      driver.find_element(By.CSS_SELECTOR, ".history").text)

        # The Mayor signs it off.
        self.sign_in("morgan")
        self.open(f"/submissions/{reference}")
        self.assertNotIn("event-dispatch", driver.page_source)  # not the Mayor's to dispatch
        self.fire("sign-off", comment="Approved.")
        self.assertEqual("Signed off by the Mayor", self.state())

        # The officer dispatches it and records the Commissioners' response.
        self.sign_in("olivia")
        self.open(f"/submissions/{reference}")
        self.fire("dispatch", fields={"dispatched-on": "2017-03-30"})
        self.assertEqual("Dispatched, awaiting the Commissioners’ response", self.state())
        self.upload("response.txt", "response", "Commissioners' response", sender="(Secretary of State's Commissioners)")
        self.fire("record-response", fields={"received-on": "2017-04-20"})
        self.assertEqual("Response received, to go to the Board", self.state())
        self.check_page("submission-response-received", f"{reference}: ", "Commissioners' response",
                        "Response received, to go to the Board")

        # The clerk sets up the Board, schedules the item, publishes and downloads the report.
        self.sign_in("clara")
        self.open("/meetings")
        self.check_page("meetings", "Meetings", "Best Value Programme Board, 19th October 2016")
        driver.find_element(By.ID, "board").clear()
        driver.find_element(By.ID, "board").send_keys("Best Value Programme Board")
        driver.execute_script("document.getElementById('date').value = '2017-05-17'")
        self.submit(driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        meeting = driver.current_url.rsplit("/", 1)[1]
        self.assertEqual("BVPB-2017-05-17", meeting)
        self.open(f"/submissions/{reference}")
        self.fire("schedule-for-board", fields={"meeting": meeting})
        self.assertEqual("Scheduled for the Board", self.state())
        self.open(f"/meetings/{meeting}")
        driver.find_element(By.ID, "publish-confirm").click()  # publication cannot be undone
        self.submit(driver.find_element(By.CSS_SELECTOR, f"form[action='/meetings/{meeting}/publish'] button"))
        self.assertIn("published", driver.find_element(By.CSS_SELECTOR, ".facts").text)
        rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]
        self.assertTrue(any(row.startswith("4 Best Value Plan: fourth") for row in rows), rows)
        self.check_page("meeting-published", "Best Value Programme Board", "Best Value Plan: fourth")
        self.open(f"/submissions/{reference}")
        self.assertIn("item 4", driver.find_element(By.CSS_SELECTOR, ".facts").text)
        self.check_page("submission-scheduled", f"{reference}: ", "item 4")
        cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
        request = urllib.request.Request(
            f"{self.base}/submissions/{reference}/report.docx",
            headers={"Cookie": f"docket_session={cookies['docket_session']}"})
        report = urllib.request.urlopen(request, timeout=60).read()
        self.assertEqual(b"PK", report[:2])
        html = urllib.request.urlopen(urllib.request.Request(
            f"{self.base}/submissions/{reference}/report.html",
            headers={"Cookie": f"docket_session={cookies['docket_session']}"}), timeout=60).read().decode()
        self.assertIn("fourth six-month progress update", html)
        self.assertIn("30th March 2017", html)

        # The third update, followed to its end: the Board of 19 October 2016 noted it, and the
        # minutes that record it were approved at the next meeting and signed by the chair.
        self.open("/submissions/BVP-2016-02")
        self.check_page("submission-considered", "BVP-2016-02", "At the Board", "Decision: Noted.",
                        "A4.1: Prepare the fourth six-monthly update", "MIN-BVPB-2016-10-19")
        self.submit(driver.find_element(By.CSS_SELECTOR, "article.consideration a[href='/submissions/MIN-BVPB-2016-10-19']"))
        self.check_page("minutes-signed", "MIN-BVPB-2016-10-19", "These are the minutes of",
                        "Minutes: Best Value Programme Board, 19th October 2016 (DOCX)", "Signed by the chair")
        self.open("/meetings/BVPB-2016-10-19")
        self.check_page("meeting-minuted", "Best Value Programme Board", "Minutes", "MIN-BVPB-2016-10-19")

        # The other main pages, as the clerk and the administrator.
        # Each shows what it is for: the search finds the fourth update's documents, the series and
        # the submissions list it, the report sections page shows this report's facts.
        for path, name, heading, texts in [
                ("/", "dashboard-clerk", "Dashboard", ["Submissions by state", "Upcoming meetings"]),
                ("/search?q=fourth", "search", "Search", [reference, "Fourth six-monthly progress report"]),
                ("/series", "series", "Series", ["BVP", reference]),
                ("/submissions", "submissions", "Submissions", [reference, "Best Value Plan: fourth"]),
                ("/account/notifications", "notifications", "My notifications", ["E-mail address", "Which mail"]),
                ("/decisions", "decisions", "Decisions", ["Best Value Programme Board", "be noted."]),
                ("/actions", "actions", "Actions", ["Prepare the fourth six-monthly update"]),
                (f"/submissions/{reference}/report", "report-sections", f"Board report: {reference}", ["(fourth)"])]:
            self.open(path)
            self.check_page(name, heading, *texts)
        self.assertIn("<code>{ordinal}</code> (fourth)", driver.page_source)  # this report's facts
        # Two paragraphs typed into a section: the browser posts its line breaks as CRLF, and
        # the report still numbers two paragraphs (3.1 and 3.2), not one.
        box = driver.find_element(By.ID, "text-background")
        box.clear()
        box.send_keys("The first paragraph typed in the browser.")
        box.send_keys(Keys.ENTER, Keys.ENTER)
        box.send_keys("The second paragraph typed in the browser.")
        self.submit(driver.find_element(By.XPATH, "//button[normalize-space()='Save the background section']"))
        self.assertIn("Saved the background section", driver.page_source)
        # The page prints each section's text (on screen it is inside its form).
        pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {})["data"])
        printed = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, timeout=60).stdout.decode()
        self.assertIn("The second paragraph typed in the browser.", printed, printed[:2000])
        # The report's HTML opens in the browser, with its own styles, and numbers both paragraphs.
        self.open(f"/submissions/{reference}/report.html")
        paragraphs = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "main p")]
        self.assertIn("3.1 The first paragraph typed in the browser.", paragraphs, paragraphs)
        self.assertIn("3.2 The second paragraph typed in the browser.", paragraphs, paragraphs)
        self.assertEqual("bold", driver.execute_script(
            "return getComputedStyle(document.querySelector('.banner')).fontWeight") == "700" and "bold" or "unstyled")
        # The workflow picture shows its states' labels: drawn so that the page's policy allows it,
        # each name in a colour other than its box's.
        self.open(f"/workflows/best-value-submission/picture.svg?state=scheduled-for-board")
        colours = driver.execute_script(
            "return Array.from(document.querySelectorAll('text')).map(t => {"
            " const box = t.previousElementSibling;"
            " return [t.textContent, getComputedStyle(t).fill, box && box.tagName === 'rect' ? getComputedStyle(box).fill : null]; })")
        names = {text: (fill, box) for text, fill, box in colours if box is not None}
        for state in ["Being drafted", "Awaiting the Mayor’s sign-off", "Signed off by the Mayor",
                      "Dispatched, awaiting the Commissioners’ response", "Scheduled for the Board (now)"]:
            self.assertIn(state, names, colours)
            fill, box = names[state]
            self.assertNotEqual(fill, box, f"{state}: its name is drawn in its box's colour ({fill})")
        driver.save_screenshot(os.path.join(SHOTS, "workflow-picture.png"))
        self.sign_in("ada")
        self.open("/users")
        self.check_page("users", "Users", "olivia", "clara", "Add a user")
        self.open("/health")
        self.check_page("health", "Archive health", "No problems found", "The mail server took every message")
        # The administrator adds a colleague, who can then sign in with the first password.
        self.open("/users")
        driver.find_element(By.ID, "name").send_keys("nadia")
        driver.find_element(By.ID, "full-name").send_keys("Nadia Rahman")
        driver.find_element(By.CSS_SELECTOR, "input[name=role][value=officer]").click()
        driver.find_element(By.ID, "password").send_keys("first-password-for-nadia")
        self.submit(driver.find_element(By.XPATH, "//button[normalize-space()='Add the user']"))
        self.assertIn("Added nadia.", driver.page_source)
        self.assertIn("Nadia Rahman", driver.page_source)
        self.check_page("users-added", "Users", "Added nadia.", "Nadia Rahman")
        self.sign_in("nadia", "first-password-for-nadia")
        self.sign_in("victor")
        self.open(f"/submissions/{reference}")
        self.assertIn("Nothing: no event of this state is open to your roles.", driver.page_source)
        # Any document reads as text inside the app, whatever its format.
        self.submit(driver.find_element(By.XPATH, "//a[starts-with(normalize-space(), 'Read')]"))
        self.assertIn("SHA-256", driver.page_source)
        self.assertTrue(driver.find_elements(By.CSS_SELECTOR, ".document-text, p.hint"))
        self.check_page("document-text", "", "SHA-256")
        self.assertGreaterEqual(len(self.checked), 12)

    def test_the_record_to_its_end(self):
        """Retention in the demo (its 2016 records are long due today): a records manager
        reviews what is due, holds one submission, proposes a list of cover letters; an officer
        approves it; the records manager carries it out; the certificate and the submission say
        what was destroyed, and its download is gone."""
        driver = self.driver
        self.sign_in("rhona")
        self.open("/retention")
        self.check_page("retention", "Retention", "GOV-COVER-6: destroy", "GOV-SUBMISSION-REVIEW: review",
                        "Propose a disposal list", "Place a hold")
        driver.find_element(By.ID, "hold-submissions").send_keys("BVP-2015-01")
        driver.find_element(By.ID, "hold-reason").send_keys("FOI request 2026/114")
        self.submit(driver.find_element(By.XPATH, "//button[normalize-space()='Place the hold']"))
        self.assertIn("Hold H-001 placed", driver.page_source)
        Select(driver.find_element(By.ID, "list-action")).select_by_value("destroy")
        driver.find_element(By.CSS_SELECTOR, "input[name=class][value=GOV-COVER-6]").click()
        driver.find_element(By.ID, "list-comment").send_keys("Six years since each matter closed")
        self.submit(driver.find_element(By.XPATH, "//button[normalize-space()='Propose the list']"))
        heading = driver.find_element(By.CSS_SELECTOR, "section.disposal-list h3").text
        listed = heading.split(":")[0]
        self.assertTrue(listed.startswith("DL-"), heading)
        self.assertIn("proposed", heading)
        self.assertIn("Waiting for a second person's approval.", driver.page_source)
        self.assertNotIn(f"Approve {listed}", driver.page_source)  # never by its proposer

        self.sign_in("olivia")
        self.open("/retention")
        driver.find_element(By.ID, f"service-{listed}").send_keys("Corporate Strategy")
        self.submit(driver.find_element(By.XPATH, f"//button[normalize-space()='Approve {listed}']"))
        self.check_page("retention-approved", "Retention", f"Disposal list {listed} approved")

        self.sign_in("rhona")
        self.open("/retention")
        self.submit(driver.find_element(By.XPATH, f"//button[normalize-space()='Carry out {listed}']"))
        self.check_page("certificate", "Certificate of destruction", listed, "olivia for Corporate Strategy",
                        "submissions/BVP-2016-01/documents/")
        self.open("/submissions/BVP-2016-01")
        self.assertIn(f"under disposal list {listed}", driver.page_source)
        self.assertIn("Destroyed on", driver.page_source)
        # The held submission's cover letter is still there; the destroyed one is gone (410).
        self.open("/submissions/BVP-2015-01")
        self.assertNotIn("Destroyed on", driver.page_source)
        cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
        self.open("/submissions/BVP-2016-01")
        row = driver.find_element(By.XPATH, "//td[starts-with(normalize-space(), 'Destroyed on')]/..")
        gone = row.find_element(By.CSS_SELECTOR, "code").get_attribute("title")
        self.assertEqual("SHA-256", gone)
        short = row.find_element(By.CSS_SELECTOR, "code").text
        request = urllib.request.Request(
            f"{self.base}/api/submissions/BVP-2016-01",
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        document = [d for d in json.load(urllib.request.urlopen(request, timeout=30))["documents"]
                    if d["sha256"].startswith(short)][0]
        self.assertEqual(listed, document.get("destroyedUnder"))
        download = urllib.request.Request(
            f"{self.base}/submissions/BVP-2016-01/documents/{document['sha256']}",
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(download, timeout=30)
        self.assertEqual(410, refused.exception.code)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
