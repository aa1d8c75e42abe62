// A typed Teemaverkko client: graphql-request with the documents and types GraphQL Code
// Generator made from src/operations.graphql and the server's SDL (graph/schema.graphql).
//
//   TEEMAVERKKO_URL=http://localhost:8080 npm start [-- "search words"]
//
// It prints the kickoff seminar's programme and a search, and exits 1 on any GraphQL or
// HTTP error, or when the seminar's known facts are missing.
import { ClientError, GraphQLClient } from 'graphql-request';

import {
  KickoffSeminarDocument,
  SearchDocument,
  type KickoffSeminarQuery,
  type SearchQuery,
} from './generated/graphql.js';

const base = (process.env.TEEMAVERKKO_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
const searchWords = process.argv[2] ?? 'välitila';

// graphql-request sends Accept: application/graphql-response+json, application/json, and
// throws a ClientError on any error in the response (errorPolicy "none").
const client = new GraphQLClient(`${base}/graphql`, {
  headers: { 'User-Agent': 'teemaverkko-example-client' },
});

// The facts the example checks, from the seminar's sources.
const expected = {
  date: '2017-03-14',
  title: 'USO-verkoston käynnistysseminaari',
  panelModerator: 'Esa Nieminen',
};

type Seminar = NonNullable<NonNullable<KickoffSeminarQuery['seminars']['edges']>[number]>['node'];
type Hit = SearchQuery['search']['edges'][number]['node'];

// Relay connections have nullable edges and nodes: keep the nodes that are there.
function nodes<T>(conn: { edges?: ReadonlyArray<{ node?: T | null } | null> | null }): T[] {
  return (conn.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
}

function withOrganization(p: { name: string; organization?: { name: string } | null }): string {
  return p.organization ? `${p.name} (${p.organization.name})` : p.name;
}

function printSeminar(s: NonNullable<Seminar>): void {
  console.log(`${s.title}, ${s.date}${s.venue ? `, ${s.venue}` : ''}`);
  const facts: string[] = [];
  if (s.term) facts.push(`${s.term.network.name}, term ${s.term.number} (${s.term.startYear}–${s.term.endYear ?? ''})`);
  if (s.attendeeCount != null) facts.push(`${s.attendeeCountApproximate ? 'about ' : ''}${s.attendeeCount} attendees`);
  if (s.municipalityCount != null) facts.push(`${s.municipalityCount} municipalities`);
  if (facts.length > 0) console.log(facts.join(' · '));
  console.log(`\nProgramme (${s.sessions.totalCount} sessions):`);
  for (const session of nodes(s.sessions)) {
    console.log(`  ${session.position}. [${session.kind.toLowerCase()}] ${session.title}`);
    const moderators = nodes(session.moderators);
    if (moderators.length > 0) console.log(`     moderated by ${moderators.map(withOrganization).join(', ')}`);
    for (const speaker of nodes(session.speakers)) {
      console.log(`     ${withOrganization(speaker)}${speaker.title ? `, ${speaker.title}` : ''}`);
    }
  }
}

// The snippet is HTML-escaped, with the matching words in <mark>…</mark>.
function plainSnippet(snippet: string): string {
  return snippet
    .replace(/<mark>(.*?)<\/mark>/g, '«$1»')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

// What a hit is, from its __typename: the generated union narrows the fields.
function label(hit: Hit): string {
  const n = hit.node;
  switch (n.__typename) {
    case 'Theme':
      return n.nameEn ? `${n.name} (${n.nameEn})` : n.name;
    case 'Expert':
    case 'Municipality':
      return n.name;
    case 'Outcome':
      return n.text;
    case 'Session':
    case 'Seminar':
    case 'Document':
      return n.title;
    default:
      return `${n.__typename} ${n.id}`;
  }
}

async function main(): Promise<string[]> {
  const problems: string[] = [];

  const { seminars } = await client.request(KickoffSeminarDocument, { date: expected.date });
  const seminar = nodes(seminars)[0];
  if (!seminar) return [`no seminar on ${expected.date}`];
  printSeminar(seminar);

  if (seminar.title !== expected.title) problems.push(`the seminar's title is "${seminar.title}", want "${expected.title}"`);
  const sessions = nodes(seminar.sessions);
  if (sessions.some((s, i) => i > 0 && s.position < sessions[i - 1]!.position)) problems.push('the sessions are not in programme order');
  const panel = sessions.find((s) => s.kind === 'PANEL');
  if (!panel) {
    problems.push('the programme has no panel');
  } else if (!nodes(panel.moderators).some((m) => m.name === expected.panelModerator)) {
    problems.push(`the panel is not moderated by ${expected.panelModerator}`);
  }

  const { search } = await client.request(SearchDocument, { query: searchWords, first: 5 });
  console.log(`\nSearch "${searchWords}": ${search.totalCount} hit(s)`);
  for (const { node: hit } of search.edges) {
    console.log(`  ${hit.type.padEnd(12)} ${label(hit)}\n               ${plainSnippet(hit.snippet)}`);
  }
  if (search.totalCount === 0) problems.push(`the search for "${searchWords}" found nothing`);
  return problems;
}

try {
  const problems = await main();
  if (problems.length > 0) {
    console.error(`\nexample client: ${problems.join('; ')}`);
    process.exit(1);
  }
} catch (err) {
  if (err instanceof ClientError) {
    console.error(`example client: the server answered ${err.response.status}:`);
    for (const e of err.response.errors ?? []) {
      console.error(`  ${e.message}${e.extensions?.['code'] ? ` [${String(e.extensions['code'])}]` : ''}`);
    }
  } else {
    console.error(`example client: ${err instanceof Error ? err.message : String(err)} (is the server running at ${base}?)`);
  }
  process.exit(1);
}
