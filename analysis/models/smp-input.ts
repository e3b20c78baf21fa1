/**
 * Batch input for the SMP (`faasmark predict smp --input FILE`): a JSON array of objects, or
 * JSONL (one object per line), each with the input keys of {@link SmpInput}. Keys naming SMP
 * outputs are allowed and ignored, so a reference table (inputs + expected outputs) can be fed
 * back as is; any other key is an error (a misspelt `keepalive` must not silently default).
 * Every item is validated before anything is solved; errors name the source, item and field.
 */
import { InputError } from '../../core/errors.js';
import { checkSmpInput, SMP_OUTPUT_KEYS, SMP_VARIANTS, type SmpInput } from './smp.js';

const INPUT_KEYS = [
  'arrivalRate',
  'warm',
  'cold',
  'keepAlive',
  'maxConcurrency',
  'variant',
  'fasterSolution',
] as const;
const IGNORED_KEYS: ReadonlySet<string> = new Set<string>([...SMP_OUTPUT_KEYS, 'states', 'notes']);

/** Parse and validate batch input text; `source` names the file in messages. */
export function parseSmpInputs(text: string, source: string): SmpInput[] {
  const items = parseItems(text, source);
  if (items.length === 0) throw new InputError(`${source}: no input objects found`);
  return items.map((item, i) => toInput(item, `${source}: item ${i + 1}`));
}

function parseItems(text: string, source: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed;
    } catch (err) {
      throw new InputError(`${source}: not valid JSON (${(err as Error).message})`, {
        hint: 'give a JSON array of input objects, or JSONL (one object per line)',
      });
    }
  }
  const items: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch (err) {
      throw new InputError(`${source}: line ${i + 1} is not valid JSON (${(err as Error).message})`, {
        hint: 'give a JSON array of input objects, or JSONL (one object per line)',
      });
    }
  }
  return items;
}

function toInput(item: unknown, where: string): SmpInput {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new InputError(`${where} must be an object with keys ${INPUT_KEYS.join(', ')}`);
  }
  const record = item as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(INPUT_KEYS as readonly string[]).includes(key) && !IGNORED_KEYS.has(key)) {
      throw new InputError(`${where}: unknown key "${key}"; accepted keys: ${INPUT_KEYS.join(', ')}`);
    }
  }
  if (record.fasterSolution !== undefined && typeof record.fasterSolution !== 'boolean') {
    throw new InputError(
      `${where}: fasterSolution must be true or false, got ${JSON.stringify(record.fasterSolution)}`,
    );
  }
  const input: SmpInput = {
    arrivalRate: record.arrivalRate as number,
    warm: record.warm as number,
    cold: record.cold as number,
    keepAlive: record.keepAlive as number,
  };
  if (record.maxConcurrency !== undefined) input.maxConcurrency = record.maxConcurrency as number;
  if (record.variant !== undefined) input.variant = record.variant as SmpInput['variant'];
  if (record.fasterSolution !== undefined) input.fasterSolution = record.fasterSolution as boolean;
  try {
    // the solver's checks are the single source of rules
    checkSmpInput(input);
  } catch (err) {
    if (err instanceof InputError)
      throw new InputError(`${where}: ${err.message}`, { hint: variantHint(err) });
    throw err;
  }
  return input;
}

function variantHint(err: InputError): string | undefined {
  return err.message.startsWith('variant') ? `accepted variants: ${SMP_VARIANTS.join(', ')}` : undefined;
}
