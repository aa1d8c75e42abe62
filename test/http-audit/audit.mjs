// Runs every GraphQL over HTTP server audit of graphql-http against a running Teemaverkko
// server ($TEEMAVERKKO_URL, e.g. http://127.0.0.1:8080) and prints each result. Exits 1
// when any audit does not pass: a failed MUST (error), a failed SHOULD (warning), or a
// failed MAY (notice; the server passes them all, so any is a regression).
import { serverAudits } from 'graphql-http';

const base = process.env.TEEMAVERKKO_URL;
if (!base) {
  console.error('audit: TEEMAVERKKO_URL is not set (run it through test/with-server.sh)');
  process.exit(2);
}
const url = base.replace(/\/+$/, '') + '/graphql';
const verbose = process.env.AUDIT_VERBOSE === '1';

const audits = serverAudits({ url });
const results = [];
for (const audit of audits) {
  // One at a time, so that the output follows the list and the server is not flooded.
  results.push(await audit.fn());
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const failed = [];
for (const r of results) {
  counts[r.status]++;
  if (r.status !== 'ok') failed.push(r);
  if (verbose || r.status !== 'ok') {
    console.log(`${r.status.toUpperCase().padEnd(6)} ${r.id} ${r.name}${r.reason ? ` — ${r.reason}` : ''}`);
  }
}
for (const r of failed) {
  let body = '';
  try {
    body = await r.response.text();
  } catch {
    // the audit may have read the body already
  }
  console.log(`\n${r.id}: ${r.response.status} ${r.response.headers.get('content-type') ?? ''}\n${body.slice(0, 500)}`);
}
const summary = `graphql-http ${audits.length} audits against ${url}: ${counts.ok} ok, ${counts.error} errors (MUST), ${counts.warn} warnings (SHOULD), ${counts.notice} notices (MAY)`;
if (failed.length > 0) {
  console.error(summary);
  process.exit(1);
}
console.log(summary);
