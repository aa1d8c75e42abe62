// PostGraphile 5 over the server's own database, as a production deployment would run it:
// the Amber preset with the connection-filter, many-to-many and order-by-related plugins,
// no GraphiQL, no watch mode, no explain, the default pool.
import { PgManyToManyPreset } from "@graphile-contrib/pg-many-to-many";
import { PgOrderByRelatedPlugin } from "@graphile-contrib/pg-order-by-related";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { jsonPgSmartTags } from "postgraphile/utils";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

// Amber filters only by indexed columns; the search query filters outcomes by their text
// and quote, which have no index (the server searches its own full-text index instead).
const filterBy = { tags: { behavior: "+filterBy" } };
const OutcomeTextFilterPlugin = jsonPgSmartTags({
  version: 1,
  config: { class: { outcomes: { attribute: { text: filterBy, quote: filterBy } } } },
});

/** @type {GraphileConfig.Preset} */
export default {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgManyToManyPreset],
  // Ordering through a relation (outcomes by their seminar's date), which the server's
  // filtered query does and stock PostGraphile cannot.
  plugins: [PgOrderByRelatedPlugin, OutcomeTextFilterPlugin],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  schema: {
    // Off by default; the benchmark's queries filter through relations (an outcome's
    // themes and municipalities), as the server's where: hasXWith does.
    connectionFilterRelations: true,
  },
  grafserv: { graphiql: false, watch: false },
  grafast: { explain: false },
};
