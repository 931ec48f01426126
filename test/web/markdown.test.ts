import { parseInline, parseMarkdown, safeHref } from "../../web/app/src/markdown.js";

describe("the web app's Markdown reader", () => {
  it("reads what the tutors write: headings, emphasis, lists, paragraphs", () => {
    const blocks = parseMarkdown(
      "Hi **Ada**!\n\n### Checkpoint 1 of 5: *Basics*\n\n- one\n- two `code`\n\n1. first\n2. second",
    );
    expect(blocks).toEqual([
      {
        kind: "paragraph",
        children: [
          { kind: "text", text: "Hi " },
          { kind: "strong", children: [{ kind: "text", text: "Ada" }] },
          { kind: "text", text: "!" },
        ],
      },
      {
        kind: "heading",
        level: 3,
        children: [
          { kind: "text", text: "Checkpoint 1 of 5: " },
          { kind: "em", children: [{ kind: "text", text: "Basics" }] },
        ],
      },
      {
        kind: "list",
        ordered: false,
        items: [
          [{ kind: "text", text: "one" }],
          [
            { kind: "text", text: "two " },
            { kind: "code", text: "code" },
          ],
        ],
      },
      {
        kind: "list",
        ordered: true,
        items: [[{ kind: "text", text: "first" }], [{ kind: "text", text: "second" }]],
      },
    ]);
  });

  it("keeps markup, scripts and unsafe links as plain text", () => {
    const hostile = `<img src=x onerror="alert(1)"> [a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.com/ok)`;
    const inline = parseInline(hostile);
    expect(inline.filter((i) => i.kind === "link")).toEqual([
      { kind: "link", href: "https://example.com/ok", children: [{ kind: "text", text: "c" }] },
    ]);
    const text = inline.map((i) => (i.kind === "text" ? i.text : "")).join("");
    expect(text).toContain(`<img src=x onerror="alert(1)">`);
    expect(text).toContain("[a](javascript:alert(1))");
    expect(safeHref(" JAVASCRIPT:alert(1)")).toBeUndefined();
    expect(safeHref("mailto:ada@example.com")).toBe("mailto:ada@example.com");
  });

  it("takes code fences and quotes verbatim, and a lone asterisk as text", () => {
    expect(parseMarkdown("```\n**not bold** <b>\n```\n> *quoted*\n\n2 * 3 = 6")).toEqual([
      { kind: "code", text: "**not bold** <b>" },
      {
        kind: "quote",
        children: [
          {
            kind: "paragraph",
            children: [{ kind: "em", children: [{ kind: "text", text: "quoted" }] }],
          },
        ],
      },
      { kind: "paragraph", children: [{ kind: "text", text: "2 * 3 = 6" }] },
    ]);
  });
});
