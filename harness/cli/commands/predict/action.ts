/** `faasmark predict smp|mginf|capacity`: evaluate the models (analysis/models/) and print. */
import { readFile } from 'node:fs/promises';
import { smpSaturation } from '../../../../analysis/models/capacity.js';
import { mginfRecord, smpRecord, smpRecords } from '../../../../analysis/models/documents.js';
import type { SmpInput } from '../../../../analysis/models/smp.js';
import { parseSmpInputs } from '../../../../analysis/models/smp-input.js';
import { InputError } from '../../../../core/errors.js';
import { out, outJson } from '../../io.js';
import type { CapacityOptions, MginfOptions, SmpSource } from './index.js';
import { capacityTable, mginfTable, modelNotes, smpTable } from './render.js';

async function readSmpInputs(file: string): Promise<SmpInput[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`--input ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`, {
      cause: err,
    });
  }
  return parseSmpInputs(text, file);
}

export async function predictSmpAction(source: SmpSource, json: boolean): Promise<void> {
  const { inputs, sweep } =
    'file' in source ? { inputs: await readSmpInputs(source.file), sweep: true } : source;
  const records = smpRecords(inputs);
  if (json) {
    outJson(sweep ? records : records[0]);
    return;
  }
  out(smpTable(records, sweep));
  for (const note of modelNotes(records.map((r) => r.notes))) out(`note: ${note}`);
}

export async function predictMginfAction(o: MginfOptions, json: boolean): Promise<void> {
  const records = o.rates.map((rate) => mginfRecord(rate, o.serviceTime, o.cores));
  if (json) {
    outJson(records.length > 1 ? records : records[0]);
    return;
  }
  out(mginfTable(records, o.cores));
  for (const note of modelNotes(records.map((r) => r.capacity?.notes))) out(`note: ${note}`);
}

export async function predictCapacityAction(input: CapacityOptions, json: boolean): Promise<void> {
  const r = smpSaturation(input);
  const at = smpRecord({ ...input, arrivalRate: r.saturationArrivalRate }, r.atSaturation);
  if (json) outJson({ ...input, saturationArrivalRate: r.saturationArrivalRate, atSaturation: at });
  else out(capacityTable(input, r.saturationArrivalRate, at));
}
