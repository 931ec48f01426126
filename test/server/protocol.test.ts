import { readFileSync } from "node:fs";
import {
  AllyClientFrame,
  CommanderClientFrame,
  CommanderServerFrame,
  parseClientFrame,
  protocolJsonSchema,
} from "../../server/protocol/index.js";

const commander = (raw: string) => parseClientFrame(raw, CommanderClientFrame, "content");

describe("client frame parsing", () => {
  it("accepts a Commander user_message with content, or with message", () => {
    expect(commander('{"type":"user_message","content":"I want to learn Go"}')).toMatchObject({
      ok: true,
      frame: { text: "I want to learn Go" },
    });
    expect(commander('{"type":"user_message","message":"hi"}')).toMatchObject({
      ok: true,
      frame: { text: "hi" },
    });
  });

  it("accepts ping", () => {
    expect(commander('{"type":"ping"}')).toEqual({ ok: true, frame: { type: "ping" } });
  });

  it.each([
    ["not json", "Invalid message format: malformed JSON"],
    ["[1,2]", "Invalid message format: expected a JSON object"],
    ["null", "Invalid message format: expected a JSON object"],
    ['{"content":"x"}', "Invalid message format: missing required field 'type'"],
    ['{"type":"dance"}', "Invalid message format: Unknown message type: dance"],
    ['{"type":"user_message"}', "Invalid message format: missing required field 'content'"],
    [
      '{"type":"user_message","content":"   "}',
      "Invalid message format: missing required field 'content'",
    ],
    ['{"type":"user_message","content":42}', "Invalid message format: invalid field 'content'"],
  ])("answers %s with a clear error", (raw, error) => {
    expect(commander(raw)).toEqual({ ok: false, error });
  });

  it("names the Ally's text field 'message'", () => {
    expect(parseClientFrame('{"type":"user_message"}', AllyClientFrame, "message")).toEqual({
      ok: false,
      error: "Invalid message format: missing required field 'message'",
    });
  });
});

describe("server frames", () => {
  it("reject a frame that breaks the contract", () => {
    expect(CommanderServerFrame.safeParse({ type: "agent_message", content: "hi" }).success).toBe(
      false,
    );
    expect(
      CommanderServerFrame.safeParse({
        type: "agent_message",
        id: "1",
        content: "hi",
        message: "hi",
      }).success,
    ).toBe(true);
  });

  it("are published as JSON Schema that matches docs/protocol.schema.json", () => {
    const published = JSON.parse(readFileSync("docs/protocol.schema.json", "utf8")) as unknown;
    expect(published).toEqual(JSON.parse(JSON.stringify(protocolJsonSchema())));
    const serverTypes = JSON.stringify(protocolJsonSchema().mission_commander);
    for (const type of [
      "connected",
      "agent_message",
      "mission_created",
      "error",
      "pong",
      "historical_messages",
    ]) {
      expect(serverTypes).toContain(`"const":"${type}"`);
    }
  });
});
