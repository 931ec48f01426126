import "./jitless.js";
import { startApp } from "./app.js";

void startApp();
