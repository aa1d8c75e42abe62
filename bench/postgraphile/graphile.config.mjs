// PostGraphile 5 over the server's own database, as a production deployment would run it:
// the Amber preset with the connection-filter and many-to-many plugins, no GraphiQL, no
// watch mode, no explain, the default pool.
import { PgManyToManyPreset } from "@graphile-contrib/pg-many-to-many";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
export default {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgManyToManyPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  schema: {
    // Off by default; the benchmark's queries filter through relations (an outcome's
    // themes and municipalities), as the server's where: hasXWith does.
    connectionFilterRelations: true,
  },
  grafserv: { graphiql: false, watch: false },
  grafast: { explain: false },
};
