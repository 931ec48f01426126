// Sign-in from the graph pages: local sign-in by email, or Firebase by email and password. Either
// sets the session cookie, and the page is loaded again as the signed-in user.
import { api } from "../../app/src/api.js";
import type { AppConfig } from "../../app/src/config.js";
import { firebaseSignIn } from "../../app/src/firebase-auth.js";

const form = document.getElementById("sign-in") as HTMLFormElement;
const config = JSON.parse(document.getElementById("sign-in-config")!.textContent!) as AppConfig;
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;
const problem = form.elements.namedItem("problem") as HTMLOutputElement;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  problem.value = "";
  const button = form.querySelector("button")!;
  button.disabled = true;
  const email = field("email")!.value;
  try {
    if (config.auth === "firebase" && config.firebase) {
      const idToken = await firebaseSignIn(
        config.firebase,
        "signIn",
        email,
        field("password")!.value,
      );
      await api.createSession(idToken);
    } else {
      await api.devLogin(email);
    }
    location.reload();
  } catch (err) {
    problem.value = (err as Error).message;
    button.disabled = false;
  }
});
