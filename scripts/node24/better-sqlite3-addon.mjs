/* global process */
// Preloaded (--import) when the suite runs on a second Node version. better-sqlite3's addon in
// node_modules is built for the Node that installed the dependencies; this loads the build for the
// running Node, named by BETTER_SQLITE3_ADDON, in its place.
import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";

const addon = process.env.BETTER_SQLITE3_ADDON;
const INSTALLED_ADDON = /[\\/]better-sqlite3[\\/]build[\\/]Release[\\/]better_sqlite3\.node$/;

if (addon) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!INSTALLED_ADDON.test(specifier)) return nextResolve(specifier, context);
      return { url: pathToFileURL(addon).href, shortCircuit: true };
    },
  });
}
