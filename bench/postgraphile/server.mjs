// Serves the schema of graphile.config.mjs at http://127.0.0.1:$PORT/graphql.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const port = Number(process.env.PORT ?? 5678);

const serv = postgraphile(preset).createServ(grafserv);
const server = createServer();
server.on("error", (err) => {
  console.error(err);
  process.exit(1);
});
await serv.addTo(server);
server.listen(port, "127.0.0.1", () => console.log(`PostGraphile on http://127.0.0.1:${port}/graphql`));
