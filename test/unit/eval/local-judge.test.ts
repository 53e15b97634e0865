/**
 * The kit's custom LLM-as-judge evaluators run offline: the same instructions and rating scale online
 * evaluation deploys, filled from the case and the reply, sent through a real Strands agent to a
 * scripted model standing in for the judge LLM.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScriptedModel } from '../../../agents/shared/scripted-model';
import { main, type TransportSpec } from '../../../eval/runner/cli';
import { LocalJudge, judgeInputsFor } from '../../../eval/runner/local-judge';
import type { Transport } from '../../../eval/runner/transports/transport';
import { GROUNDED_ANSWER_JUDGE, judgeDefinitionProblems, KIT_JUDGE_EVALUATORS, parseJudgeAnswer, type JudgeEvaluatorDefinition } from '../../../lib/evaluation/judge-definitions';
import { perfectReply } from '../../integration/eval/scripted-agent';
import { reply, revenueCase } from './fixtures';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('judge definitions', () => {
  test('the kit judges are valid', () => {
    for (const j of KIT_JUDGE_EVALUATORS) expect(judgeDefinitionProblems(j)).toEqual([]);
  });

  test('placeholders must fit the level, and numerical scales need values; every problem is named', () => {
    const bad: JudgeEvaluatorDefinition = {
      name: '1bad',
      description: 'x',
      level: 'TRACE',
      instructions: 'Judge {context} against {tool_turn}.',
      ratingScale: { kind: 'numerical', ratings: [{ label: 'Good', definition: 'fine' }, { label: 'good', definition: 'also fine', value: 1 }] },
    };
    expect(judgeDefinitionProblems(bad, 'judges.bad')).toEqual([
      'judges.bad.name: "1bad" must start with a letter and hold only letters, digits and _ (at most 40, so <prefix>_<name> fits 48)',
      'judges.bad.instructions: a TRACE judge needs the {assistant_turn} placeholder',
      'judges.bad.instructions: {tool_turn} is not filled at TRACE level; allowed: {context}, {assistant_turn}',
      'judges.bad.ratingScale.ratings: labels must be unique, got Good, good',
      'judges.bad.ratingScale.ratings[0].value: a numerical scale needs a number for "Good"',
    ]);
  });

  test('an answer is parsed onto the scale (label case-insensitive); anything else is an error naming the scale', () => {
    expect(parseJudgeAnswer(GROUNDED_ANSWER_JUDGE, 'Sure. {"label": "partly grounded", "explanation": "no period"}')).toEqual({ label: 'Partly grounded', value: 0.5, explanation: 'no period' });
    expect(parseJudgeAnswer(GROUNDED_ANSWER_JUDGE, '{"label": "Great"}')).toEqual({ error: 'judge answered label "Great", not one of Ungrounded, Partly grounded, Grounded' });
    expect(parseJudgeAnswer(GROUNDED_ANSWER_JUDGE, 'Grounded')).toEqual({ error: 'judge answer is not {"label", "explanation"} JSON: "Grounded"' });
  });
});

describe('LocalJudge', () => {
  const toolReply = reply({
    answer: 'EMEA revenue in 2024-Q3 was 1284.6 million USD.',
    toolCalls: [{ name: 'financial___getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' }, status: 'success' }],
  });

  test('the judge model gets the scale as system prompt and the filled instructions; its rating becomes the score', async () => {
    const model = ScriptedModel.ofTurns([{ text: '{"label": "Grounded", "explanation": "the figure is the tool result"}' }]);
    const scores = await new LocalJudge([GROUNDED_ANSWER_JUDGE], () => model).score(revenueCase, toolReply);

    expect(scores).toEqual([{ evaluator: 'grounded_answer', label: 'Grounded', value: 1, explanation: 'the figure is the tool result' }]);
    expect(model.calls).toHaveLength(1);
    const [call] = model.calls;
    expect(call.systemPrompt).toContain('- Partly grounded (0.5): Every fact is in the tool results, but a figure lacks its unit or period');
    expect(call.systemPrompt).toContain('{"label": "<one label of the scale>", "explanation": "<one or two sentences>"}');
    expect(call.lastUserText).toContain(`User: ${revenueCase.query}`);
    expect(call.lastUserText).toContain('Tool call financial___getQuarterlyRevenue({"region":"EMEA","quarter":"2024-Q3"}) → success');
    expect(call.lastUserText).toContain('The answer to judge:\nEMEA revenue in 2024-Q3 was 1284.6 million USD.');
    expect(call.lastUserText).not.toMatch(/\{context\}|\{assistant_turn\}/);
    expect(call.toolNames).toEqual([]);
  });

  test('an answer off the scale, or a failing model, is a judge error for that case, not a crash', async () => {
    const offScale = await new LocalJudge([GROUNDED_ANSWER_JUDGE], () => ScriptedModel.ofTurns([{ text: 'looks fine to me' }])).score(revenueCase, toolReply);
    expect(offScale).toEqual([{ evaluator: 'grounded_answer', error: 'judge answer is not {"label", "explanation"} JSON: "looks fine to me"' }]);
    const failing = await new LocalJudge([GROUNDED_ANSWER_JUDGE], () => new ScriptedModel(() => { throw new Error('ThrottlingException'); })).score(revenueCase, toolReply);
    expect(failing).toEqual([{ evaluator: 'grounded_answer', error: 'ThrottlingException' }]);
  });

  test('the tool turn and the available tools fill the TOOL_CALL placeholders', () => {
    expect(judgeInputsFor(revenueCase, toolReply)).toMatchObject({ available_tools: 'financial___getQuarterlyRevenue', tool_turn: expect.stringMatching(/^Tool call financial___getQuarterlyRevenue/) });
  });
});

describe('npm run eval -- --judge <kit judge>', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-judge-'));
  const transportFor = (_spec: TransportSpec): Transport => ({
    description: 'scripted financial',
    invoke: async (request) => {
      const { loadCheckedDatasets } = await import('../../../eval/runner/catalog-check');
      const { datasetFiles } = await import('../../../eval/runner/dataset');
      const c = loadCheckedDatasets(datasetFiles('financial').map((f) => path.join(ROOT, f))).find((x) => x.id === request.evaluation.caseId)!;
      return { body: JSON.stringify(perfectReply(c)), contentType: 'application/json', statusCode: 200 };
    },
  });

  async function run(script: (prompt: string) => string, ...extra: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const judgeModels: string[] = [];
    const judgeModel = (modelId: string) => {
      judgeModels.push(modelId);
      return new ScriptedModel((call) => ({ text: script(call.lastUserText) }));
    };
    const argv = ['--agent', 'financial', '--endpoint', 'http://127.0.0.1:1', '--tag', 'seed-example', '--judge', 'grounded_answer', '--out', tmp, ...extra];
    const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd: ROOT, env: {}, transportFor, judgeModel });
    return { code, out: out.join(''), err: err.join(''), judgeModels, results: JSON.parse(fs.readFileSync(path.join(tmp, 'results.json'), 'utf8')) };
  }

  test('every case is judged by the judge model; the mean is reported and gated', async () => {
    const r = await run(() => '{"label": "Grounded", "explanation": "ok"}', '--threshold', 'judge.grounded_answer=0.9');
    expect(r.judgeModels[0]).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0'); // dev's primary model
    expect(r.results.summary.judge.grounded_answer).toMatchObject({ mean: 1, failed: 0 });
    expect(r.results.summary.judge.grounded_answer.scored).toBe(r.results.results.length);
    expect(r.results.gates.find((g: { metric: string }) => g.metric === 'judge.grounded_answer')).toMatchObject({ status: 'pass' });
    expect(r.code).toBe(0);
  });

  test('a judge that finds ungrounded answers fails the gate (exit 1); --judge-model picks the judge', async () => {
    const r = await run(() => '{"label": "Ungrounded", "explanation": "invented"}', '--threshold', 'judge.grounded_answer=0.9', '--judge-model', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(new Set(r.judgeModels)).toEqual(new Set(['us.anthropic.claude-sonnet-4-5-20250929-v1:0']));
    expect(r.results.summary.judge.grounded_answer.mean).toBe(0);
    expect(r.results.gates.find((g: { metric: string }) => g.metric === 'judge.grounded_answer')).toMatchObject({ status: 'fail' });
    expect(r.code).toBe(1);
  });

  test('--judge-model without a kit judge is refused', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--agent', 'financial', '--endpoint', 'http://127.0.0.1:1', '--judge', 'Builtin.Helpfulness', '--judge-model', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'], { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd: ROOT, env: {} });
    expect(code).toBe(2);
    expect(err.join('')).toContain("--judge-model: only applies with one of the kit's judges in --judge (grounded_answer)");
  });
});
