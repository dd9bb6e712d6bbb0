// A graphql-ws client: subscribes with the given query and prints each `next` payload as one
// JSON line ("READY" once the server acknowledged and the subscription is sent).
// Usage: node subscribe.mjs ws://HOST/api/graphql 'subscription { ... }' [token]
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, query, token] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: token ? { Authorization: token } : {},
  retryAttempts: 0,
  on: { connected: () => setTimeout(() => console.log("READY"), 300) },
});
client.subscribe(
  { query },
  {
    next: (data) => console.log(JSON.stringify(data)),
    error: (err) => {
      console.log(JSON.stringify({ clientError: String(err?.reason ?? err?.message ?? err) }));
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);
