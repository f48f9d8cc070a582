"""End to end: the chat page served by the Rasa server at /chat/, the
rasa-webchat widget from npm, in real headless Chromium (Debian's package,
driven by Playwright), talking Socket.IO to our fixed channel."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from bot.channels.webchat_page import (
    REMOTE_CSS_IMPORT,
    SAFE_LINK_URI,
    UNSANITISED_LINKS,
    WIDGET_BUNDLE,
    WidgetBundleError,
    widget_as_served,
)
from tests.helpers.browser import headless_chromium
from tests.helpers.project import TEST_OUTPUT, faq_answers
from tests.helpers.servers import get
from tests.helpers.shared_assistant import CLINIC_ORIGIN

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ANSWER_TIMEOUT_MS = 60_000


@pytest.fixture
def server(assistant):
    return assistant.base_url


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as browser:
        yield browser


def first_words(text: str, words: int = 8) -> str:
    return " ".join(text.split()[:words])


def user_texts_in_tracker(base_url: str, sender_id: str) -> list:
    request = urllib.request.Request(f"{base_url}/conversations/{sender_id}/tracker")
    with urllib.request.urlopen(request, timeout=30) as response:
        tracker = json.loads(response.read())
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_the_page_and_its_widget_are_served_with_a_strict_policy(server):
    status, html = get(server, "/chat/")
    assert status == 200 and "not medical advice" in html
    with urllib.request.urlopen(f"{server}/chat/") as response:
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    status, bundle = get(server, "/chat/webchat.js")
    assert status == 200 and "WebChat" in bundle[:2000]
    assert UNSANITISED_LINKS not in bundle and bundle.count(SAFE_LINK_URI) == 1
    assert get(server, "/chat/../credentials.yml")[0] == 404
    assert get(server, "/chat/package.json")[0] == 404


@pytest.mark.parametrize(
    "origin, accepted",
    [
        (None, True),
        (CLINIC_ORIGIN, True),
        ("https://evil.example", False),
    ],
    ids=["no-origin", "configured-clinic", "other-site"],
)
def test_socketio_accepts_only_its_own_page_and_configured_sites(server, origin, accepted):
    headers = {"Origin": origin} if origin else {}
    status, _ = get(server, "/socket.io/?EIO=4&transport=polling", headers=headers)
    assert (status == 200) is accepted, status


def test_same_origin_page_may_connect(server):
    status, _ = get(server, "/socket.io/?EIO=4&transport=polling", headers={"Origin": server})
    assert status == 200


def test_chat_in_chromium_answers_clicks_and_survives_a_reload(server, browser):
    page: Page = browser.new_page(viewport={"width": 420, "height": 860})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    answers = faq_answers()

    page.goto(f"{server}/chat/")
    expect(page.get_by_text("This is general information, not medical advice.")).to_be_visible()
    messages = page.locator(".rw-messages-container")
    # The widget's opening /greet: the session's "not a doctor" line, then the greeting.
    expect(messages).to_contain_text("I'm an automated assistant, not a doctor", timeout=ANSWER_TIMEOUT_MS)
    expect(messages).to_contain_text("Hello, and welcome", timeout=ANSWER_TIMEOUT_MS)
    assert messages.inner_text().count("not a doctor") == 1  # said once, not by both lines
    expect(messages).to_have_attribute("role", "log")

    page.get_by_label("Your message").fill("what is RIF")
    page.keyboard.press("Enter")
    expect(messages).to_contain_text(first_words(answers["rif_definition"]["text"]), timeout=ANSWER_TIMEOUT_MS)

    # Buttons arrive as quick replies, reachable and usable from the keyboard.
    reply = page.locator(".rw-reply", has_text="Causes of RIF")
    expect(reply).to_be_visible()
    expect(reply).to_have_attribute("role", "button")
    reply.focus()
    page.keyboard.press("Enter")
    expect(messages).to_contain_text(first_words(answers["rif_causes"]["text"]), timeout=ANSWER_TIMEOUT_MS)

    session_id = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    assert len(session_id) == 32

    page.reload()
    expect(messages).to_contain_text("what is RIF", timeout=ANSWER_TIMEOUT_MS)
    expect(messages).to_contain_text(first_words(answers["rif_causes"]["text"]))
    page.get_by_label("Your message").fill("what is recurrent miscarriage")
    page.keyboard.press("Enter")
    expect(messages).to_contain_text(first_words(answers["rm_definition"]["text"]), timeout=ANSWER_TIMEOUT_MS)

    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / "webchat.png"), full_page=True)

    # "Was this helpful?": "Not helpful" asks once what was missing; Skip thanks.
    page.locator(".rw-reply", has_text="Not helpful").last.click()
    expect(messages).to_contain_text("What were you hoping to find out?", timeout=ANSWER_TIMEOUT_MS)
    page.locator(".rw-reply", has_text="Skip").last.click()
    expect(messages).to_contain_text("Thank you, that helps.", timeout=ANSWER_TIMEOUT_MS)

    # An ordinary "yes" gets one kind reply, and a crisis message after it the crisis reply.
    page.get_by_label("Your message").fill("yes")
    page.keyboard.press("Enter")
    expect(messages).to_contain_text("Is there anything else you'd like to know?", timeout=ANSWER_TIMEOUT_MS)
    page.get_by_label("Your message").fill("I want to kill myself")
    page.keyboard.press("Enter")
    expect(messages).to_contain_text("116 123", timeout=ANSWER_TIMEOUT_MS)

    # One conversation on the server, before and after the reload.
    assert user_texts_in_tracker(server, session_id) == [
        "/greet",
        "what is RIF",
        "/faq/rif_causes",
        "what is recurrent miscarriage",
        '/feedback_not_helpful{"faq_key":"rm_definition"}',
        "/skip_question",
        "yes",
        "I want to kill myself",
    ]
    # Nothing loaded from other sites (fonts, scripts, trackers).
    assert requested and all(url.startswith(server) for url in requested), sorted(set(requested))
    page.close()


def test_a_widget_bundle_whose_links_we_cannot_sanitise_is_refused():
    bundle = WIDGET_BUNDLE.read_text(encoding="utf-8")
    assert bundle.count(UNSANITISED_LINKS) == 1  # the installed rasa-webchat 1.0.1
    for changed in (bundle.replace(UNSANITISED_LINKS, "transformLinkUri:void 0"), bundle + UNSANITISED_LINKS):
        with pytest.raises(WidgetBundleError, match="cannot be limited"):
            widget_as_served(changed)


# A bot message with links of every kind; only the first four schemes may stay links.
LINKS_MESSAGE = (
    "Links: [ok](https://example.org), [plain](http://example.org/page), [mail](mailto:clinic@example.org), "
    "[call](tel:+441234567890), [click](javascript:alert(1)), [shout](JaVaScRiPt:alert(2)), "
    "[tab](java&#9;script:alert(3)), [data](data:text/html;base64,PGI+eDwvYj4=) and [vb](vbscript:msgbox(4))."
)
ALLOWED = {"ok": "https:", "plain": "http:", "mail": "mailto:", "call": "tel:"}
REFUSED = ["click", "shout", "tab", "data", "vb"]
LINKS_IN_WIDGET = """selector => Array.from(document.querySelectorAll(selector)).map(a => ({
    text: a.textContent, href: a.getAttribute("href"), protocol: a.hasAttribute("href") ? a.protocol : null,
    target: a.getAttribute("target"), rel: a.getAttribute("rel")}))"""
# A clinic's own page that embeds the widget as the README shows, without our
# chat.js and without any Content-Security-Policy.
EMBEDDING_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A clinic</title></head>
<body><div id="rif-rm-chat" style="height: 600px"></div>
<script src="/chat/webchat.js"></script>
<script>
  WebChat.default({socketUrl: location.origin, socketPath: "/socket.io/", initPayload: "/greet",
                   embedded: true, params: {storage: "session"}}, document.getElementById("rif-rm-chat"));
</script></body></html>"""


def say_as_the_bot(base_url: str, session_id: str, text: str) -> None:
    """Send one bot message to a browser's session through Rasa's HTTP API,
    as any bot answer goes out: the Socket.IO channel emits bot_uttered."""
    request = urllib.request.Request(
        f"{base_url}/conversations/{session_id}/tracker/events?execute_side_effects=true&output_channel=socketio",
        data=json.dumps([{"event": "bot", "text": text}]).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def links_after_a_bot_message(page: Page, server: str) -> list:
    """Waits for the greeting, has the bot send LINKS_MESSAGE, returns the widget's links."""
    messages = page.locator(".rw-messages-container")
    expect(messages).to_contain_text("Hello, and welcome", timeout=ANSWER_TIMEOUT_MS)
    session_id = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    say_as_the_bot(server, session_id, LINKS_MESSAGE)
    expect(messages.locator(".rw-response", has_text="Links:")).to_contain_text("vb", timeout=ANSWER_TIMEOUT_MS)
    return page.evaluate(LINKS_IN_WIDGET, ".rw-messages-container a")


def assert_only_safe_links(links: list) -> None:
    by_text = {link["text"]: link for link in links}
    assert set(ALLOWED) | set(REFUSED) <= set(by_text), links
    for text, protocol in ALLOWED.items():
        assert by_text[text]["protocol"] == protocol, by_text[text]
        assert by_text[text]["rel"] == "noopener noreferrer"
    assert by_text["ok"]["href"] == "https://example.org" and by_text["ok"]["target"] == "_blank"
    for text in REFUSED:
        assert by_text[text]["href"] is None, by_text[text]  # the text stays, the link goes
    assert all(link["protocol"] in (None, *ALLOWED.values()) for link in links), links


def published_bundle() -> str:
    """rasa-webchat's bundle as npm installed it (without its remote font import)."""
    return REMOTE_CSS_IMPORT.sub("", WIDGET_BUNDLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("bundle", ["as served", "as published"])
def test_a_javascript_link_from_the_bot_is_no_link_on_the_chat_page(server, browser, bundle):
    """On /chat/ both guards hold: the served bundle, and chat.js even over
    the published bundle."""
    page: Page = browser.new_page(viewport={"width": 420, "height": 860})
    if bundle == "as published":
        published = published_bundle()
        page.route(
            f"{server}/chat/webchat.js",
            lambda route: route.fulfill(status=200, content_type="text/javascript", body=published),
        )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/chat/")
    assert_only_safe_links(links_after_a_bot_message(page, server))
    for text in REFUSED:
        page.locator(".rw-messages-container a", has_text=text).first.click()
    page.wait_for_timeout(300)
    assert dialogs == [] and page.url == f"{server}/chat/"
    page.close()


def test_a_clinic_page_embedding_the_widget_gets_only_safe_links(server, browser):
    """The served bundle itself sanitises, for sites that embed it without our
    chat.js; the published bundle, served as it is, shows what that prevents."""
    published = published_bundle()
    for bundle in ("as served", "as published"):
        page: Page = browser.new_page(viewport={"width": 420, "height": 860})
        page.route(
            f"{server}/a-clinic.html",
            lambda route: route.fulfill(status=200, content_type="text/html", body=EMBEDDING_PAGE),
        )
        if bundle == "as published":
            page.route(
                f"{server}/chat/webchat.js",
                lambda route: route.fulfill(status=200, content_type="text/javascript", body=published),
            )
        page.goto(f"{server}/a-clinic.html")
        links = links_after_a_bot_message(page, server)
        if bundle == "as served":
            assert_only_safe_links(links)
        else:
            assert any(link["protocol"] == "javascript:" for link in links), links
        page.close()


class SocketUser:
    """A Socket.IO client as the widget is one: session_request, then user_uttered."""

    def __init__(self, base_url: str) -> None:
        import socketio

        self.received: list = []
        self.session_id = None
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.received.append)
        self.client.on("session_confirm", self._confirmed)
        self.client.connect(base_url, transports=["polling"], socketio_path="/socket.io")

    def _confirmed(self, session_id) -> None:
        self.session_id = session_id

    def wait(self, condition, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not condition():
            time.sleep(0.1)
        assert condition(), self.received

    def close(self) -> None:
        # Without abort, a polling client waits out the server's 25 s long poll.
        self.client.eio.disconnect(abort=True)

    def request_session(self, session_id=None) -> str:
        self.session_id = None
        self.client.emit("session_request", {"session_id": session_id})
        self.wait(lambda: self.session_id is not None)
        return self.session_id


@pytest.fixture
def socket_user(server):
    user = SocketUser(server)
    yield user
    user.close()


def test_a_session_id_we_did_not_issue_is_replaced(socket_user):
    assert socket_user.request_session("default") not in ("default", None)
    issued = socket_user.request_session()
    assert socket_user.request_session(issued) == issued  # a reload keeps its session


@pytest.mark.parametrize(
    "data, reply_key",
    [
        ("just a string", "unreadable_message"),
        ({"message": ["not", "text"]}, "unreadable_message"),
        ({"message": "what is RIF"}, "no_session"),
    ],
    ids=["not-an-object", "message-not-text", "no-session-id"],
)
def test_malformed_chat_events_get_a_clear_answer(socket_user, data, reply_key):
    from bot.conversation import messages

    socket_user.request_session()
    socket_user.client.emit("user_uttered", data)
    socket_user.wait(lambda: socket_user.received)
    assert socket_user.received == [{"text": messages()[reply_key]}]


def test_two_tabs_of_one_session_both_see_the_answer(server, socket_user):
    session_id = socket_user.request_session()
    second_tab = SocketUser(server)
    try:
        second_tab.request_session(session_id)
        socket_user.client.emit("user_uttered", {"message": "what is RIF", "session_id": session_id})
        expected = faq_answers()["rif_definition"]["text"]
        for tab in (socket_user, second_tab):
            tab.wait(lambda tab=tab: any(m.get("text") == expected for m in tab.received))
    finally:
        second_tab.close()
