// laman serve: shows the rule findings of this page over it (none: nothing shown).
// Built with DOM calls and textContent only: no inline code, no HTML from data.
(function () {
  "use strict";
  var url = "/__laman/findings?path=" + encodeURIComponent(window.location.pathname);
  fetch(url, { cache: "no-store" }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (data) {
    if (!data || !data.findings || data.findings.length === 0) { return; }
    var box = document.createElement("aside");
    box.className = "laman-overlay";
    box.id = "laman-overlay";
    box.setAttribute("role", "complementary");
    box.setAttribute("aria-label", data.title);
    var head = document.createElement("div");
    head.className = "laman-overlay-head";
    var title = document.createElement("strong");
    title.textContent = data.title + " (" + data.findings.length + ")";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", data.close);
    close.addEventListener("click", function () { box.hidden = true; });
    head.appendChild(title);
    head.appendChild(close);
    box.appendChild(head);
    var list = document.createElement("ul");
    data.findings.forEach(function (f) {
      var li = document.createElement("li");
      li.className = "laman-" + f.level;
      var tag = document.createElement("span");
      tag.className = "laman-tag";
      tag.textContent = f.severity + " " + f.rule;
      var msg = document.createElement("span");
      msg.className = "laman-msg";
      msg.textContent = f.message;
      var at = document.createElement("span");
      at.className = "laman-at";
      at.textContent = f.file + (f.line ? ":" + f.line : "");
      li.appendChild(tag);
      li.appendChild(msg);
      li.appendChild(at);
      if (f.hint) {
        var hint = document.createElement("span");
        hint.className = "laman-hint";
        hint.textContent = f.hint;
        li.appendChild(hint);
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }).catch(function () {});
}());
