// Starts the rasa-webchat widget on this page, talking Socket.IO to the Rasa
// server that served the page, and makes it keyboard and screen-reader friendly.
(function () {
  "use strict";
  var container = document.getElementById("chat");

  window.WebChat.default({
    socketUrl: window.location.origin,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    // A clinic's chat_title (clinic.yml) arrives as data-title on the page.
    title: container.getAttribute("data-title") || "RIF & RM information",
    subtitle: "Not a doctor, not medical advice",
    inputTextFieldHint: "Type your question",
    embedded: true,
    hideWhenNotConnected: false,
    customMessageDelay: function () { return 300; },
    // Session storage: the conversation survives a reload but not closing the
    // tab, kinder on a shared computer.
    params: { storage: "session" }
  }, container);

  // The widget draws quick replies as plain <div>s: give them a button role,
  // a tab stop and Enter/Space, and announce new messages politely.
  function enhance() {
    var log = container.querySelector(".rw-messages-container");
    if (log && !log.hasAttribute("role")) {
      log.setAttribute("role", "log");
      log.setAttribute("aria-live", "polite");
      log.setAttribute("aria-label", "Conversation");
    }
    var input = container.querySelector("textarea");
    if (input && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", "Your message");
    var send = container.querySelector("button.rw-send");
    if (send && !send.hasAttribute("aria-label")) send.setAttribute("aria-label", "Send");
    container.querySelectorAll(".rw-reply:not([tabindex])").forEach(function (reply) {
      reply.setAttribute("role", "button");
      reply.setAttribute("tabindex", "0");
      reply.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          reply.click();
        }
      });
    });
  }
  // Links in the widget (bot Markdown, URL buttons, carousels) keep their
  // address only for these schemes; any other (javascript:, data:, ...) loses
  // it, so the text stays and nothing can be followed. The served bundle
  // already drops such Markdown links (bot/channels/webchat_page.py); this
  // covers every link the widget draws on our page, and clicks as a last guard.
  var ALLOWED_SCHEMES = ["https:", "http:", "mailto:", "tel:"];
  function scheme(link) {
    try {
      return new URL(link.href, window.location.href).protocol;
    } catch (error) {
      return "";
    }
  }
  function allowed(link) {
    return ALLOWED_SCHEMES.indexOf(scheme(link)) >= 0;
  }
  function sanitiseLinks() {
    container.querySelectorAll("a[href]").forEach(function (link) {
      if (!allowed(link)) {
        link.removeAttribute("href");
        link.removeAttribute("target");
        link.setAttribute("data-link-removed", "");
      } else {
        link.setAttribute("rel", "noopener noreferrer");
        // Web pages open in a new tab; mailto: and tel: hand over to an app.
        if (/^https?:$/.test(scheme(link))) link.setAttribute("target", "_blank");
      }
    });
  }
  container.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a");
    if (link && link.hasAttribute("href") && !allowed(link)) event.preventDefault();
  }, true);

  function onChange() {
    sanitiseLinks();
    enhance();
  }
  new MutationObserver(onChange).observe(container, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["href"]
  });
  onChange();
})();
