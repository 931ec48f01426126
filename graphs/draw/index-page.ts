import { scriptTags, stylesTag, type PageAssets } from "./assets.js";
import { graphTitle } from "./graph-page.js";
import { escapeHtml, fillTemplate, readWebFile } from "./html.js";

export interface GraphLink {
  name: string;
  href: string;
}

export interface ConversationLink {
  label: string;
  detail: string;
  href: string;
}

export interface IndexPageOptions {
  graphs: GraphLink[];
  /** The caller's recent conversations; absent when there is nobody to list them for. */
  conversations?: ConversationLink[];
  /** Offer the local sign-in form, so a browser can list its user's conversations. */
  signIn?: boolean;
  assets: PageAssets;
}

const link = (href: string, text: string) =>
  `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

function conversationsHtml(conversations: ConversationLink[]): string {
  const items = conversations.map(
    (c) => `<li>${link(c.href, c.label)} <span class="detail">${escapeHtml(c.detail)}</span></li>`,
  );
  const body =
    items.length > 0
      ? `<ul>${items.join("")}</ul>`
      : "<p>No conversations yet: talk to an agent, then come back.</p>";
  return `<section class="conversations"><h2>Your recent conversations</h2>${body}</section>`;
}

/** The list of graphs and, for a signed-in caller, links to their own conversations on them. */
export function renderIndexPage(options: IndexPageOptions): string {
  const graphs = options.graphs.map(
    (g) => `<li>${link(g.href, graphTitle(g.name))} <code>${escapeHtml(g.name)}</code></li>`,
  );
  const conversations = options.conversations
    ? conversationsHtml(options.conversations)
    : options.signIn
      ? readWebFile("sign-in.html")
      : "";
  return fillTemplate("index.html", {
    styles: stylesTag(options.assets),
    graphs: graphs.join("\n          "),
    conversations,
    scripts:
      options.signIn && !options.conversations ? scriptTags(options.assets, ["sign-in.js"]) : "",
  });
}
