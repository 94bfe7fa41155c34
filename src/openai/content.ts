/** OpenAI message content: a string, or parts of which only the text ones are read. */
export type OpenAiContent = string | Array<{ type: string; text?: string }> | null | undefined;

const TEXT_PARTS = new Set(['text', 'input_text', 'output_text']);

/** The text of a message's content, parts joined by newlines, trimmed; images, audio, files are dropped. */
export function contentText(content: OpenAiContent): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content.trim();
  return content
    .filter((part) => TEXT_PARTS.has(part.type) && typeof part.text === 'string')
    .map((part) => (part.text ?? '').trim())
    .filter((text) => text.length > 0)
    .join('\n');
}

export interface TranscriptMessage {
  role: string;
  text: string;
}

const SPEAKER: Record<string, string> = {
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool result',
  function: 'Tool result',
};

/**
 * A conversation the bridge did not take part in, as one prompt for a new codex thread: the earlier
 * messages as a transcript, then the new input to answer.
 */
export function seededPrompt(earlier: TranscriptMessage[], input: string): string {
  if (earlier.length === 0) return input;
  const transcript = earlier.map((message) => `${SPEAKER[message.role] ?? message.role}: ${message.text}`).join('\n\n');
  return (
    'This conversation started elsewhere. The transcript so far:\n\n' +
    `<transcript>\n${transcript}\n</transcript>\n\n` +
    `Continue it: answer the user's latest message.\n\nUser: ${input}`
  );
}
