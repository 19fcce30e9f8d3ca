// The playground page sends a line without reloading and shows what came back. Everything a
// member wrote is put in the page as text (textContent), never as HTML.
"use strict";
(function () {
  var form = document.getElementById("say");
  if (!form) { return; }
  var transcript = document.getElementById("transcript");
  var lastCase = document.getElementById("last-case");
  var input = document.getElementById("text");
  transcript.scrollTop = transcript.scrollHeight;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    input.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("the dashboard answered " + response.status); }
      return response.json();
    }).then(function (said) {
      said.lines.forEach(function (line) {
        transcript.appendChild(document.createTextNode(line + "\n"));
      });
      transcript.scrollTop = transcript.scrollHeight;
      lastCase.textContent = "";
      if (said.case) {
        var link = document.createElement("a");
        link.href = said.case.url;
        link.id = "case-link";
        link.textContent = "case #" + said.case.number + ": " + said.case.decision;
        lastCase.appendChild(document.createTextNode("Recorded as "));
        lastCase.appendChild(link);
      } else if (said.lines.length) {
        lastCase.textContent = "No case: nothing was done.";
      }
      input.value = "";
    }).catch(function (error) {
      lastCase.textContent = String(error.message);
    }).finally(function () {
      input.disabled = false;
      input.focus();
    });
  });
}());
