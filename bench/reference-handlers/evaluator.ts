/** A code evaluator's job at its smallest: validate the spans it is given, score them, log. */
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';

const logger = new Logger();
const Input = z.object({ spans: z.array(z.object({ name: z.string(), attributes: z.record(z.string(), z.unknown()) })) });

export const handler = async (event: unknown) => {
  const { spans } = Input.parse(event);
  const score = spans.filter((s) => s.name.startsWith('tool')).length ? 1 : 0;
  logger.info('scored', { score });
  return { value: score, label: score ? 'pass' : 'fail' };
};
