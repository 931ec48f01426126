/* global document, fetch, location */
// Local sign-in from the graphs index: sets the session cookie, then lists the caller's conversations.
"use strict";

const form = document.getElementById("sign-in");
const problem = form.elements.namedItem("problem");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  problem.value = "";
  const email = form.elements.namedItem("email").value;
  const response = await fetch("/api/v1/auth/dev-login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  if (response.ok) {
    location.reload();
    return;
  }
  const body = await response.json().catch(() => ({}));
  problem.value = body.detail ?? `Sign-in failed (${response.status})`;
});
