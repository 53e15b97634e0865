/**
 * A Strands model provider that stands in for the LLM — and only the LLM — in tests, local runs
 * without AWS credentials and evaluation dry runs. Each call is answered by a script function that
 * sees exactly what a real model would (system prompt, messages, tool specs) and returns one turn:
 * text, or tool calls. Every call is recorded, so a test can assert what reached the model.
 */
import { Model, type BaseModelConfig, type Message, type ModelStreamEvent, type StreamOptions, type ToolSpec } from '@strands-agents/sdk';

/** What the model received on one call. */
export interface ModelCall {
  readonly systemPrompt: string;
  readonly messages: readonly { readonly role: string; readonly text: string; readonly toolResults: readonly string[]; readonly toolUses: readonly { name: string; input: unknown }[] }[];
  readonly toolNames: readonly string[];
  /** Text of the last user message (the prompt, or tool results after a tool call). */
  readonly lastUserText: string;
  /** Tool results in the last user message, as text. */
  readonly lastToolResults: readonly string[];
}

/** Tokens a model reports for one call (the usage of its metadata event). */
export interface ReportedUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * One model turn. `usage` is what the model reports for it; by default about one token per four
 * characters of the request (system prompt and messages) and of the reply.
 */
export type ScriptedTurn = (
  | { readonly text: string }
  | { readonly toolCalls: readonly { readonly name: string; readonly input: Record<string, unknown> }[]; readonly text?: string }
) & { readonly usage?: ReportedUsage };

export type Script = (call: ModelCall, index: number) => ScriptedTurn;

export class ScriptedModel extends Model<BaseModelConfig> {
  /** Every call, in order. */
  readonly calls: ModelCall[] = [];
  /** The usage reported for each call, in order. */
  readonly reportedUsage: ReportedUsage[] = [];
  private config: BaseModelConfig;
  private counter = 0;

  constructor(
    private readonly script: Script,
    config: BaseModelConfig = { modelId: 'scripted' },
  ) {
    super();
    this.config = { ...config };
  }

  /** A script that plays fixed turns in order, then repeats the last one. */
  static ofTurns(turns: readonly ScriptedTurn[]): ScriptedModel {
    return new ScriptedModel((_call, i) => turns[Math.min(i, turns.length - 1)]);
  }

  updateConfig(modelConfig: BaseModelConfig): void {
    this.config = { ...this.config, ...modelConfig };
  }

  getConfig(): BaseModelConfig {
    return this.config;
  }

  async *stream(messages: Message[], options?: StreamOptions): AsyncIterable<ModelStreamEvent> {
    const call = describeCall(messages, options);
    this.calls.push(call);
    const turn = this.script(call, this.calls.length - 1);
    yield { type: 'modelMessageStartEvent', role: 'assistant' };
    const text = 'text' in turn ? turn.text : undefined;
    if (text) {
      yield { type: 'modelContentBlockStartEvent' };
      yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text } };
      yield { type: 'modelContentBlockStopEvent' };
    }
    const toolCalls = 'toolCalls' in turn ? turn.toolCalls : [];
    for (const tc of toolCalls) {
      this.counter += 1;
      yield { type: 'modelContentBlockStartEvent', start: { type: 'toolUseStart', name: tc.name, toolUseId: `tooluse_${this.counter}` } };
      yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'toolUseInputDelta', input: JSON.stringify(tc.input) } };
      yield { type: 'modelContentBlockStopEvent' };
    }
    yield { type: 'modelMessageStopEvent', stopReason: toolCalls.length ? 'toolUse' : 'endTurn' };
    const { inputTokens, outputTokens } = turn.usage ?? {
      inputTokens: Math.ceil((call.systemPrompt.length + JSON.stringify(call.messages).length) / 4),
      outputTokens: Math.ceil(((text ?? '').length + JSON.stringify(toolCalls).length) / 4),
    };
    this.reportedUsage.push({ inputTokens, outputTokens });
    yield { type: 'modelMetadataEvent', usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: { latencyMs: 0 } };
  }
}

function blockText(block: unknown): string {
  const b = block as { type?: string; text?: string; json?: unknown };
  if (b.type === 'textBlock' && typeof b.text === 'string') return b.text;
  if (b.type === 'jsonBlock') return JSON.stringify(b.json);
  return '';
}

function describeCall(messages: Message[], options?: StreamOptions): ModelCall {
  const sp = options?.systemPrompt;
  const systemPrompt = typeof sp === 'string' ? sp : (sp ?? []).map(blockText).join('\n');
  const described = messages.map((m) => {
    const texts: string[] = [];
    const toolResults: string[] = [];
    const toolUses: { name: string; input: unknown }[] = [];
    for (const block of m.content) {
      if (block.type === 'textBlock') texts.push(block.text);
      else if (block.type === 'toolResultBlock') toolResults.push(block.content.map(blockText).join('\n'));
      else if (block.type === 'toolUseBlock') toolUses.push({ name: block.name, input: block.input });
    }
    return { role: m.role, text: texts.join('\n'), toolResults, toolUses };
  });
  const lastUser = [...described].reverse().find((m) => m.role === 'user');
  return {
    systemPrompt,
    messages: described,
    toolNames: (options?.toolSpecs ?? []).map((t: ToolSpec) => t.name),
    lastUserText: lastUser?.text ?? '',
    lastToolResults: lastUser?.toolResults ?? [],
  };
}
