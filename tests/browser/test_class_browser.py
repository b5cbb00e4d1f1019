"""A class that remembers, in a real browser and across a server restart: the teacher starts a class,
a student joins (their browser keeps the token's cookie), trains and pauses; after the server restarts
the student's reload brings the run back at the epoch it was paused, and the teacher link leaves no
token in the address bar, nor does the Class dashboard it lists, which shows the student. AppTest
runs whole scripts; here a Pause reruns only the Train panel's fragment, which is where the run must
be saved.

Screenshots go to test-artifacts/class-*.png for a person to look at.
"""

import re

import pytest

from devtools.browser import chromium, chromium_missing_reason, screenshot_path, streamlit_server, wait_until_idle

pytestmark = pytest.mark.skipif(chromium_missing_reason() is not None, reason=str(chromium_missing_reason()))

VIEWPORT = {"width": 1280, "height": 900}
PROGRESS = re.compile(r"Epoch (\d+) of 200 · .* · paused")


def progress_text(page) -> str:
    return page.locator("[data-testid='stProgress']").first.inner_text().replace("\n", " ")


def test_a_paused_run_comes_back_after_the_server_restarts(tmp_path):
    env = {"RNN_PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'classes.sqlite3'}"}
    with chromium() as browser:
        student = browser.new_context(viewport=VIEWPORT).new_page()
        with streamlit_server(env) as url:
            teacher = browser.new_context(viewport=VIEWPORT).new_page()
            teacher.goto(f"{url}/export")
            teacher.get_by_text("Start a class").wait_for(timeout=60_000)  # a fresh server's first page
            wait_until_idle(teacher)
            teacher.get_by_text("Start a class").click()
            teacher.get_by_label("Class name").fill("Year 10")
            teacher.get_by_label("Class name").press("Tab")
            wait_until_idle(teacher)
            teacher.get_by_role("button", name="Start the class").click()
            teacher.get_by_text("Student link").wait_for(timeout=60_000)
            links = [text.strip() for text in teacher.locator("[data-testid='stCode'] code").all_inner_texts()]
            (student_link,) = [link for link in links if re.search(r"/\?class=[A-Z0-9]{8}$", link)]
            (teacher_link,) = [link for link in links if "&teacher=" in link]

            student.goto(student_link + "&epochs=200")  # 20 s at the default pace: time to pause mid-run
            student.get_by_label("Your name in this class").fill("Ana")
            student.get_by_role("button", name="Join").click()
            student.get_by_text("as Ana: your runs are saved").wait_for(timeout=30_000)
            student.get_by_role("button", name="Train", exact=True).click()
            student.wait_for_timeout(2000)
            student.get_by_role("button", name="Pause").click()
            student.wait_for_function(
                "document.querySelector('[data-testid=stProgress]')?.innerText.includes('paused')", timeout=30_000
            )
            paused = int(PROGRESS.search(progress_text(student)).group(1))
            assert 0 < paused < 200
        with streamlit_server(env) as restarted:
            student.goto(student_link.replace(url, restarted))
            restored = f"Restored your last run from the class store (epoch {paused})."
            student.get_by_text(restored).wait_for(timeout=60_000)
            assert PROGRESS.search(progress_text(student)).group(1) == str(paused)
            student.screenshot(path=screenshot_path("class-restored"), full_page=False)
            teacher = browser.new_context(viewport=VIEWPORT).new_page()
            teacher.goto(teacher_link.replace(url, restarted))
            teacher.get_by_text("Student link").wait_for(timeout=30_000)
            teacher.wait_for_function("!window.location.search.includes('teacher')", timeout=10_000)
            token = teacher_link.split("teacher=")[1]
            assert token not in teacher.url
            teacher.get_by_role("link", name="Class dashboard").first.click()  # listed for the teacher's session
            teacher.locator("[data-testid='stDataFrame']").wait_for(timeout=30_000)  # the students' table (a canvas)
            assert teacher.url.endswith("/dashboard") and token not in teacher.url
            teacher.screenshot(path=screenshot_path("class-teacher"), full_page=False)
