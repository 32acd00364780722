import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demo, typed } from './tests/helpers';

/** Where the server under test writes its log (see playwright.config.ts). */
const serverLog = join(__dirname, '..', 'target', 'e2e-data', 'server.log');

/**
 * After the whole suite: the server logged JSON lines, each line of a
 * request names it, and no line holds a password or search term the tests
 * typed, nor the query string of any request (where socket tickets and
 * searches travel).
 */
export default function scanServerLog() {
  const lines = readFileSync(serverLog, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const secrets = [...Object.values(demo).map((u) => u.password), ...Object.values(typed)];
  const problems: string[] = [];
  let requests = 0;
  for (const line of lines) {
    const entry = parsed(line);
    if (entry?.span?.path !== undefined) {
      requests += 1;
      if (!entry.span.request_id) problems.push(`a request's line without its id: ${line}`);
    }
    for (const secret of secrets) {
      if (line.includes(secret)) problems.push(`"${secret}" logged: ${line}`);
    }
    if (/[?&](ticket|search)=/.test(line)) problems.push(`a query logged: ${line}`);
  }
  if (requests === 0) problems.push(`no request was logged as JSON in ${lines.length} lines`);
  if (problems.length > 0) {
    throw new Error(`the server log ${serverLog} has ${problems.length} problems:\n${problems.slice(0, 20).join('\n')}`);
  }
  console.log(`server log: ${lines.length} lines, ${requests} of requests, no secret and no query in any`);
}

type Entry = { span?: { request_id?: string; path?: string } };

function parsed(line: string): Entry | undefined {
  try {
    return JSON.parse(line) as Entry;
  } catch {
    return undefined;
  }
}
