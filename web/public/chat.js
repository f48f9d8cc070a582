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
  new MutationObserver(enhance).observe(container, { childList: true, subtree: true });
  enhance();
})();
