// What the API preview shows for a collection: one entry per action it allows, each with the
// official JS SDK call, the REST request (method, path, query and body parameters), the rule that
// applies and an example response, all derived from the live schema.
//   {id, label, summary, method, path, sdk, rules: [{name, value}], query: [...], body: [...], response}
import { fieldType, fieldNote, writableFields, sampleRecord, sampleBody, sampleFilter, relationNames } from "./api-examples.js";

const json = (value) => JSON.stringify(value, null, 2);
// a JS string literal; single quotes around filters keep their own double quotes readable
const quote = (text) => text.includes('"') && !/['\\\n]/.test(text) ? `'${text}'` : JSON.stringify(text);

const EXPAND = { name: "expand", type: "String", note: "Relations to return expanded, e.g. relField1,relField2.subRelField" };
const FIELDS = { name: "fields", type: "String", note: "Comma separated fields to return, e.g. *,expand.relField.name" };
const LIST_QUERY = [
  { name: "page", type: "Number", note: "Page of the results (default 1)" },
  { name: "perPage", type: "Number", note: "Records per page (default 30)" },
  { name: "sort", type: "String", note: "Sort order, e.g. -created,id (- for descending)" },
  { name: "filter", type: "String", note: "Filter expression in the API rules syntax" },
  EXPAND, FIELDS,
  { name: "skipTotal", type: "Boolean", note: "Skip counting totalItems/totalPages (faster)" },
];

function bodyParams(collection, update) {
  const params = [];
  for (const f of writableFields(collection)) {
    if (f.name === "id") {
      if (!update) params.push({ name: "id", type: "String", required: false, note: "15 characters; generated if not set" });
      continue;
    }
    if (f.type === "password") {
      if (update) params.push({ name: "oldPassword", type: "String", required: false, note: "The current password (required when a user changes their own password)" });
      params.push({ name: "password", type: "String", required: !update, note: "Plain password" });
      params.push({ name: "passwordConfirm", type: "String", required: !update, note: "Same as password" });
      continue;
    }
    params.push({ name: f.name, type: fieldType(f), required: !update && !!f.required, note: fieldNote(f) });
  }
  return params;
}

function crudActions(collection, base, sdk) {
  const record = sampleRecord(collection);
  const expand = relationNames(collection).join(",") || "relField1,relField2.subRelField";
  const filter = sampleFilter(collection);
  const listResponse = { page: 1, perPage: 30, totalPages: 1, totalItems: 2, items: [record, { ...record }] };
  const actions = [
    {
      id: "list", label: "List/Search", summary: "Paginated records, filtered and sorted.",
      method: "GET", path: base, rules: [{ name: "listRule", value: collection.listRule }],
      sdk: `// fetch a paginated records list
const resultList = await ${sdk}.getList(1, 50, {
  filter: ${quote(filter)},
});

// you can also fetch all records at once via getFullList
const records = await ${sdk}.getFullList({
  sort: "-created",
});

// or fetch only the first record that matches the filter
const record = await ${sdk}.getFirstListItem(${quote(filter)}, {
  expand: ${JSON.stringify(expand)},
});`,
      query: LIST_QUERY, body: [], response: listResponse,
    },
    {
      id: "view", label: "View", summary: "One record by its id.",
      method: "GET", path: base + "/:id", rules: [{ name: "viewRule", value: collection.viewRule }],
      sdk: `const record = await ${sdk}.getOne("RECORD_ID", {
  expand: ${JSON.stringify(expand)},
});`,
      query: [EXPAND, FIELDS], body: [], response: record,
    },
  ];
  if (collection.type === "view") return actions; // view collections are read-only
  actions.push(
    {
      id: "create", label: "Create", summary: "A new record (JSON, or multipart/form-data for files).",
      method: "POST", path: base, rules: [{ name: "createRule", value: collection.createRule }],
      sdk: `const data = ${json(sampleBody(collection))};

const record = await ${sdk}.create(data);`,
      query: [EXPAND, FIELDS], body: bodyParams(collection, false), response: record,
    },
    {
      id: "update", label: "Update", summary: "Changes the sent fields of one record.",
      method: "PATCH", path: base + "/:id", rules: [{ name: "updateRule", value: collection.updateRule }],
      sdk: `const data = ${json(sampleBody(collection, { update: true }))};

const record = await ${sdk}.update("RECORD_ID", data);`,
      query: [EXPAND, FIELDS], body: bodyParams(collection, true), response: record,
    },
    {
      id: "delete", label: "Delete", summary: "Deletes one record (answers 204 No Content).",
      method: "DELETE", path: base + "/:id", rules: [{ name: "deleteRule", value: collection.deleteRule }],
      sdk: `await ${sdk}.delete("RECORD_ID");`,
      query: [], body: [], response: null,
    },
  );
  actions.push({
    id: "realtime", label: "Realtime", summary: "Server-sent events on record changes: connect with GET /api/realtime, then POST /api/realtime {clientId, subscriptions: [\"" + collection.name + "/*\"]} (the SDK does both).",
    method: "GET", path: "/api/realtime", rules: [{ name: "listRule", value: collection.listRule, note: "for \"*\"" }, { name: "viewRule", value: collection.viewRule, note: "for one record" }],
    sdk: `// subscribe to changes in any ${collection.name} record
${sdk}.subscribe("*", function (e) {
  console.log(e.action); // create, update or delete
  console.log(e.record);
}, { /* other options like: filter, expand, custom headers, etc. */ });

// subscribe to changes only in the specified record
${sdk}.subscribe("RECORD_ID", function (e) {
  console.log(e.action);
  console.log(e.record);
});

// stop listening
${sdk}.unsubscribe("RECORD_ID"); // remove all "RECORD_ID" subscriptions
${sdk}.unsubscribe("*"); // remove all "*" topic subscriptions
${sdk}.unsubscribe(); // remove all subscriptions in the collection`,
    query: [], body: [], response: { action: "create", record },
  });
  return actions;
}

function authActions(collection, base, sdk) {
  const record = sampleRecord(collection);
  const authResponse = { token: "JWT_TOKEN", record };
  const identities = (collection.passwordAuth && collection.passwordAuth.identityFields) || ["email"];
  const actions = [{
    id: "auth-methods", label: "List auth methods", summary: "The sign-in methods this collection offers.",
    method: "GET", path: base + "/auth-methods", rules: [],
    sdk: `const result = await ${sdk}.listAuthMethods();`,
    query: [FIELDS], body: [], response: {
      password: { enabled: !!(collection.passwordAuth && collection.passwordAuth.enabled), identityFields: identities },
      oauth2: { enabled: !!(collection.oauth2 && collection.oauth2.enabled), providers: [] },
      mfa: { enabled: !!(collection.mfa && collection.mfa.enabled), duration: (collection.mfa && collection.mfa.duration) || 0 },
      otp: { enabled: !!(collection.otp && collection.otp.enabled), duration: (collection.otp && collection.otp.duration) || 0 },
    },
  }];
  const authRule = { name: "authRule", value: collection.authRule };
  if (!collection.passwordAuth || collection.passwordAuth.enabled) actions.push({
    id: "auth-with-password", label: "Auth with password", summary: `Signs in with ${identities.join(" or ")} and password.`,
    method: "POST", path: base + "/auth-with-password", rules: [authRule],
    sdk: `const authData = await ${sdk}.authWithPassword(
  "YOUR_${identities[0].toUpperCase()}",
  "YOUR_PASSWORD",
);

// after the above you can also access the auth data from the authStore
console.log(pb.authStore.isValid);
console.log(pb.authStore.token);
console.log(pb.authStore.record.id);

// "logout"
pb.authStore.clear();`,
    query: [EXPAND, FIELDS],
    body: [{ name: "identity", type: "String", required: true, note: "The " + identities.join(" or ") + " of the record" },
      { name: "password", type: "String", required: true, note: "The account password" }],
    response: authResponse,
  });
  if (collection.oauth2 && collection.oauth2.enabled) actions.push({
    id: "auth-with-oauth2", label: "Auth with OAuth2", summary: "Signs in (or signs up) with an OAuth2 provider.",
    method: "POST", path: base + "/auth-with-oauth2", rules: [authRule],
    sdk: `// opens the provider's page in a popup and completes the sign-in through /api/oauth2-redirect
const authData = await ${sdk}.authWithOAuth2({ provider: "google" });`,
    query: [EXPAND, FIELDS],
    body: [{ name: "provider", type: "String", required: true, note: "Provider name, e.g. google" },
      { name: "code", type: "String", required: true, note: "Authorization code from the provider" },
      { name: "codeVerifier", type: "String", required: true, note: "PKCE code verifier" },
      { name: "redirectURL", type: "String", required: true, note: "The redirect URL used for the code" },
      { name: "createData", type: "Object", required: false, note: "Data for the record created on first sign-in" }],
    response: { ...authResponse, meta: { id: "abc123", name: "John Doe", email: "test@example.com", isNew: false } },
  });
  if (collection.otp && collection.otp.enabled) actions.push(
    {
      id: "request-otp", label: "Request OTP", summary: "Emails a one-time password.",
      method: "POST", path: base + "/request-otp", rules: [],
      sdk: `const result = await ${sdk}.requestOTP("test@example.com");`,
      query: [], body: [{ name: "email", type: "String", required: true, note: "The record's email" }],
      response: { otpId: "OTP_ID" },
    },
    {
      id: "auth-with-otp", label: "Auth with OTP", summary: "Signs in with the emailed one-time password.",
      method: "POST", path: base + "/auth-with-otp", rules: [authRule],
      sdk: `const result = await ${sdk}.requestOTP("test@example.com");

// ... the user receives the password by email ...

const authData = await ${sdk}.authWithOTP(result.otpId, "YOUR_OTP");`,
      query: [EXPAND, FIELDS],
      body: [{ name: "otpId", type: "String", required: true, note: "The id from Request OTP" },
        { name: "password", type: "String", required: true, note: "The one-time password" }],
      response: authResponse,
    },
  );
  actions.push(
    {
      id: "auth-refresh", label: "Auth refresh", summary: "A new token for the signed-in record.",
      method: "POST", path: base + "/auth-refresh", rules: [],
      sdk: `const authData = await ${sdk}.authRefresh();`,
      query: [EXPAND, FIELDS], body: [], response: authResponse,
    },
    emailAction("request-verification", "Request verification", "Emails a verification link.", base, `${sdk}.requestVerification("test@example.com")`, [["email", "The record's email"]]),
    emailAction("confirm-verification", "Confirm verification", "Marks the record verified.", base, `${sdk}.confirmVerification("VERIFICATION_TOKEN")`, [["token", "The token from the email"]]),
    emailAction("request-password-reset", "Request password reset", "Emails a password reset link.", base, `${sdk}.requestPasswordReset("test@example.com")`, [["email", "The record's email"]]),
    emailAction("confirm-password-reset", "Confirm password reset", "Sets a new password.", base,
      `${sdk}.confirmPasswordReset("RESET_TOKEN", "NEW_PASSWORD", "NEW_PASSWORD")`,
      [["token", "The token from the email"], ["password", "The new password"], ["passwordConfirm", "Same as password"]]),
    emailAction("request-email-change", "Request email change", "Emails a confirmation to the new address (signed in).", base,
      `${sdk}.requestEmailChange("new@example.com")`, [["newEmail", "The new address"]]),
    emailAction("confirm-email-change", "Confirm email change", "Changes the email.", base,
      `${sdk}.confirmEmailChange("EMAIL_CHANGE_TOKEN", "YOUR_PASSWORD")`, [["token", "The token from the email"], ["password", "The account password"]]),
  );
  return actions;
}

function emailAction(id, label, summary, base, call, params) {
  return {
    id, label, summary: summary + " Answers 204 No Content.", method: "POST", path: base + "/" + id, rules: [],
    sdk: `await ${call};`, query: [],
    body: params.map(([name, note]) => ({ name, type: "String", required: true, note })), response: null,
  };
}

export function apiActions(collection) {
  const name = JSON.stringify(collection.name);
  const sdk = `pb.collection(${name})`;
  const base = `/api/collections/${encodeURIComponent(collection.name)}`;
  const actions = crudActions(collection, base + "/records", sdk);
  if (collection.type !== "auth") return actions;
  const update = actions.find((a) => a.id === "update");
  update.rules.push({ name: "manageRule", value: collection.manageRule, note: "to change another record's email, password or verified" });
  return actions.concat(authActions(collection, base, sdk));
}
