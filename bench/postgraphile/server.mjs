// Serves the schema of graphile.config.mjs at http://$HOST:$PORT/graphql.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 5678);

const serv = postgraphile(preset).createServ(grafserv);
const server = createServer();
server.on("error", (err) => {
  console.error(err);
  process.exit(1);
});
await serv.addTo(server);
server.listen(port, host, () => console.log(`PostGraphile on http://${host}:${port}/graphql`));
