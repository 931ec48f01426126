// Imported first: zod compiles fast parsers with `new Function` unless told not to, and this page's
// Content-Security-Policy forbids evaluating strings.
import { z } from "zod";

z.config({ jitless: true });
