// The graphql-http server audit against a running Roost: prints one JSON line per audit
// ({id, name, status, reason}). Usage: node audit.mjs http://127.0.0.1:PORT/api/graphql
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url });
for (const r of results) {
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? "" }));
}
