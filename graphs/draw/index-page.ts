import { stylesTag, type PageAssets } from "./assets.js";
import { graphTitle } from "./graph-page.js";
import { escapeHtml, fillTemplate } from "./html.js";
import { signInHtml, type SignInSettings } from "./sign-in.js";

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
  /** Offer sign-in to a caller with no conversations to list, so they can list theirs. */
  signIn?: SignInSettings;
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
export async function renderIndexPage(options: IndexPageOptions): Promise<string> {
  const graphs = options.graphs.map(
    (g) => `<li>${link(g.href, graphTitle(g.name))} <code>${escapeHtml(g.name)}</code></li>`,
  );
  const conversations = options.conversations
    ? conversationsHtml(options.conversations)
    : options.signIn
      ? await signInHtml(options.signIn, options.assets)
      : "";
  return fillTemplate("index.html", {
    styles: await stylesTag(options.assets),
    graphs: graphs.join("\n          "),
    conversations,
  });
}
