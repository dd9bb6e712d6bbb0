// The GraphiQL explorer at /api/graphql: queries and mutations over HTTP, subscriptions over
// WebSocket (graphql-transport-ws) on the same path. Put `{"Authorization": "<token>"}` in the
// Headers tab to run as a user or superuser; the schema shown is the one that caller may use.
(function () {
  var url = window.location.origin + "/api/graphql";
  var fetcher = GraphiQL.createFetcher({
    url: url,
    subscriptionUrl: url.replace(/^http/, "ws"),
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
