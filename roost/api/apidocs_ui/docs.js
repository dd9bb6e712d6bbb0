// The /api/docs page: Swagger UI on the caller's own description. "Try it out" sends the token
// given with "Authorize", or else the one the JS SDK (or the admin UI) left in localStorage;
// after authorizing, the description is fetched again, generated for that caller.
(function () {
  "use strict";
  function storedToken() {
    var keys = ["pocketbase_auth", "__pb_superuser_auth__", "pb_auth"];
    for (var i = 0; i < keys.length; i++) {
      try {
        var raw = window.localStorage.getItem(keys[i]);
        var parsed = raw && JSON.parse(raw);
        if (parsed && parsed.token) return parsed.token;
      } catch (e) {
        /* not ours */
      }
    }
    return "";
  }
  var token = storedToken();
  var ui = window.SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#docs",
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    requestInterceptor: function (req) {
      if (token && !req.headers.Authorization && !req.headers.authorization) {
        req.headers.Authorization = token;
      }
      return req;
    },
    onComplete: function () {
      if (token) ui.preauthorizeApiKey("authToken", token);
    },
  });
  var authorize = ui.authActions.authorize;
  ui.authActions.authorize = function (payload) {
    var result = authorize(payload);
    var given = payload && payload.authToken && payload.authToken.value;
    var bearer = payload && payload.bearerAuth && payload.bearerAuth.value;
    var next = given || bearer || "";
    if (next && next !== token) {
      token = next;
      ui.specActions.download("/api/openapi.json");
    }
    return result;
  };
  window.ui = ui;
})();
