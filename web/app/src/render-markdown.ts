import { h } from "./dom.js";
import { parseMarkdown, type Block, type Inline } from "./markdown.js";

/** Agent text as DOM nodes. Headings are h3 to h6, below the page's own h1 and h2. */
export function renderMarkdown(source: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const block of parseMarkdown(source)) fragment.appendChild(renderBlock(block));
  return fragment;
}

function renderBlock(block: Block): Node {
  switch (block.kind) {
    case "paragraph":
      return h("p", {}, ...block.children.map(renderInline));
    case "heading": {
      const level = Math.max(3, block.level) as 3 | 4 | 5 | 6;
      return h(`h${level}`, {}, ...block.children.map(renderInline));
    }
    case "list":
      return h(
        block.ordered ? "ol" : "ul",
        {},
        ...block.items.map((item) => h("li", {}, ...item.map(renderInline))),
      );
    case "code":
      return h("pre", {}, h("code", {}, block.text));
    case "quote":
      return h("blockquote", {}, ...block.children.map(renderBlock));
    case "rule":
      return h("hr");
  }
}

function renderInline(inline: Inline): Node {
  switch (inline.kind) {
    case "text":
      return document.createTextNode(inline.text);
    case "strong":
      return h("strong", {}, ...inline.children.map(renderInline));
    case "em":
      return h("em", {}, ...inline.children.map(renderInline));
    case "code":
      return h("code", {}, inline.text);
    case "break":
      return h("br");
    case "link":
      return h(
        "a",
        { href: inline.href, target: "_blank", rel: "noopener noreferrer nofollow" },
        ...inline.children.map(renderInline),
      );
  }
}
