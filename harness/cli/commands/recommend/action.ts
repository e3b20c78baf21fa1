/** `faasmark recommend keep-alive`: the SMP keep-alive advice (analysis/models/recommend.ts), printed. */

import { keepAliveRecord } from '../../../../analysis/models/documents.js';
import { type KeepAliveAdviceInput, recommendKeepAlive } from '../../../../analysis/models/recommend.js';
import { log, out, outJson } from '../../io.js';
import { keepAliveTable } from './render.js';

export async function recommendKeepAliveAction(input: KeepAliveAdviceInput, json: boolean): Promise<void> {
  const record = keepAliveRecord(input, recommendKeepAlive(input));
  if (json) {
    for (const w of record.warnings) log(`warning: ${w}`); // the table shows them; JSON readers get them on stderr too
    outJson(record);
  } else out(keepAliveTable(record));
}
