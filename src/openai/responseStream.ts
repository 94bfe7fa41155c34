import type { BridgeEvent } from '../codex/bridgeEvents';
import { outputMessage, outputReasoning, responseObject, type ResponseSettings } from './responseObject';
import type { SseTranslator } from './sseTranslator';
import type { TurnView } from './turnView';

interface OpenMessage {
  outputIndex: number;
}

/**
 * A turn as the Responses API's stream: named events, each with `type` and a `sequence_number` from 0.
 * Codex streams message text as deltas but reasoning only as a whole item worth showing, so a reasoning
 * item's summary parts are sent at once when it completes. Tool activity goes out, when asked for, as
 * `codex.tool_call.*` events.
 */
export class ResponseStreamTranslator implements SseTranslator {
  private sequence = 0;
  private nextOutputIndex = 0;
  private readonly openMessages = new Map<string, OpenMessage>();

  constructor(
    private readonly settings: ResponseSettings,
    /** Off unless asked for (`include: ["codex.tool_calls"]`): strict stream helpers throw on unknown events. */
    private readonly toolEvents: boolean,
  ) {}

  start(view: TurnView): string {
    const response = responseObject({ ...view, status: 'running' }, this.settings);
    return this.send('response.created', { response }) + this.send('response.in_progress', { response });
  }

  event(event: BridgeEvent): string {
    switch (event.type) {
      case 'message.delta': {
        const [opened, message] = this.openMessage(event.item_id);
        return (
          opened +
          this.send('response.output_text.delta', {
            item_id: event.item_id,
            output_index: message.outputIndex,
            content_index: 0,
            delta: event.delta,
            logprobs: [],
          })
        );
      }
      case 'message.completed': {
        const { id, text } = event.item;
        const [opened, message] = this.openMessage(id);
        this.openMessages.delete(id);
        const at = { item_id: id, output_index: message.outputIndex, content_index: 0 };
        const part = { type: 'output_text', text, annotations: [] };
        return (
          opened +
          this.send('response.output_text.done', { ...at, text, logprobs: [] }) +
          this.send('response.content_part.done', { ...at, part }) +
          this.send('response.output_item.done', {
            output_index: message.outputIndex,
            item: outputMessage(id, text, 'completed'),
          })
        );
      }
      case 'reasoning.completed': {
        const { id, summary } = event.item;
        if (summary.length === 0) return '';
        const outputIndex = this.nextOutputIndex++;
        let text = this.send('response.output_item.added', {
          output_index: outputIndex,
          item: outputReasoning(id, []),
        });
        for (const [summaryIndex, part] of summary.entries()) {
          const at = { item_id: id, output_index: outputIndex, summary_index: summaryIndex };
          text +=
            this.send('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } }) +
            this.send('response.reasoning_summary_text.delta', { ...at, delta: part }) +
            this.send('response.reasoning_summary_text.done', { ...at, text: part }) +
            this.send('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: part } });
        }
        return (
          text +
          this.send('response.output_item.done', { output_index: outputIndex, item: outputReasoning(id, summary) })
        );
      }
      case 'tool.started':
        return this.toolEvents ? this.send('codex.tool_call.added', { item: event.item }) : '';
      case 'tool.completed':
        return this.toolEvents ? this.send('codex.tool_call.done', { item: event.item }) : '';
      default:
        return '';
    }
  }

  end(view: TurnView): string {
    const response = responseObject(view, this.settings);
    return this.send(view.status === 'completed' ? 'response.completed' : 'response.failed', { response });
  }

  broken(view: TurnView, message: string): string {
    const response = responseObject(
      { ...view, status: 'failed', error: { message, code: 'internal_error' } },
      this.settings,
    );
    return this.send('response.failed', { response });
  }

  /** The message's output item, opened (added, with its one text part) the first time it is seen. */
  private openMessage(itemId: string): [string, OpenMessage] {
    const existing = this.openMessages.get(itemId);
    if (existing) return ['', existing];
    const message = { outputIndex: this.nextOutputIndex++ };
    this.openMessages.set(itemId, message);
    const opened =
      this.send('response.output_item.added', {
        output_index: message.outputIndex,
        item: { ...outputMessage(itemId, '', 'in_progress'), content: [] },
      }) +
      this.send('response.content_part.added', {
        item_id: itemId,
        output_index: message.outputIndex,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      });
    return [opened, message];
  }

  private send(type: string, payload: Record<string, unknown>): string {
    const data = { type, sequence_number: this.sequence++, ...payload };
    return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}
