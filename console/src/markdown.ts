import MarkdownIt from 'markdown-it';

/*
 * Model output is untrusted: with `html: false` markdown-it escapes every tag (a `<script>` or an
 * `<img onerror>` shows as text), its link validation drops javascript:/vbscript:/data: URLs, and
 * images are off (they would load from anywhere; the page's CSP refuses them too).
 */
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false }).disable('image');

const renderLink = markdown.renderer.rules.link_open;
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  const token = tokens[index];
  if (token) {
    token.attrSet('rel', 'noopener noreferrer nofollow');
    token.attrSet('target', '_blank');
  }
  return renderLink ? renderLink(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
};

/** Fills `target` with the Markdown of `text`, rendered as above. */
export function renderMarkdown(target: HTMLElement, text: string): void {
  target.innerHTML = markdown.render(text);
}
