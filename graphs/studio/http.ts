import { Hono } from "hono";
import { z } from "zod";

/**
 * Routes for the dev server (`http.app` in `langgraph.json`), which it serves before its own.
 *
 * Its `/assistants/{id}/schemas` reads a graph's schemas at run time, and for a graph whose state
 * is a `StateSchema` it returns the state, input and output schemas but never the context schema
 * (langgraph-api 1.5 and 2.0, `tryStateSchemaExtraction`), so Studio shows no context form. This
 * completes that answer with the context schema each graph takes, unless the server sent one.
 */
export function studioHttp(contexts: Record<string, z.ZodType>): Hono {
  const app = new Hono();
  app.use("/assistants/:assistant_id/schemas", async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    const answer = (await c.res.clone().json()) as Record<string, unknown>;
    const context = contexts[String(answer.graph_id)];
    if (!context || answer.context_schema) return;
    const schema = z.toJSONSchema(context, { io: "input" });
    c.res = undefined;
    c.res = c.json({
      ...answer,
      config_schema: answer.config_schema ?? schema,
      context_schema: schema,
    });
  });
  return app;
}
