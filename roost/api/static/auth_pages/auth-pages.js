// The pages PocketBase's default emails link to, served at /_/ until a dashboard replaces them:
//   #/auth/confirm-verification/{TOKEN}
//   #/auth/confirm-password-reset/{TOKEN}
//   #/auth/confirm-email-change/{TOKEN}
//   #/auth/oauth2-redirect-success | #/auth/oauth2-redirect-failure
// The auth collection comes from the token's collectionId claim; only textContent is written.
"use strict";

(function () {
  var $ = function (id) { return document.getElementById(id); };

  function claims(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      while (part.length % 4) part += "=";
      var bytes = Uint8Array.from(atob(part), function (c) { return c.charCodeAt(0); });
      return JSON.parse(new TextDecoder().decode(bytes)) || {};
    } catch (e) {
      return {};
    }
  }

  function show(title, intro) {
    document.title = title;
    $("title").textContent = title;
    $("intro").textContent = intro || "";
  }

  function status(text, ok) {
    var el = $("status");
    el.textContent = text;
    el.className = ok ? "ok" : "error";
  }

  function clearErrors() {
    document.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
  }

  function fieldErrors(data) {
    Object.keys(data || {}).forEach(function (name) {
      var el = document.querySelector('.field-error[data-for="' + name + '"]');
      if (el && data[name] && data[name].message) el.textContent = data[name].message;
    });
  }

  function post(collection, action, body) {
    return fetch("/api/collections/" + encodeURIComponent(collection) + "/" + action, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    }).then(function (res) {
      if (res.status === 204) return { ok: true };
      return res.json().then(
        function (json) { return { ok: false, error: json || {} }; },
        function () { return { ok: false, error: {} }; }
      );
    }, function () {
      return { ok: false, error: { message: "The server could not be reached." } };
    });
  }

  function withForm(fields, submitLabel, onSubmit) {
    $("form").classList.remove("hidden");
    $("password-row").classList.toggle("hidden", fields.indexOf("password") < 0);
    $("confirm-row").classList.toggle("hidden", fields.indexOf("passwordConfirm") < 0);
    $("submit").textContent = submitLabel;
    $("form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearErrors();
      $("submit").disabled = true;
      onSubmit().then(function () { $("submit").disabled = false; });
    });
    $("password").focus();
  }

  function confirmVerification(token) {
    var c = claims(token);
    show("Email verification", c.email ? "Verifying " + c.email + "…" : "Verifying…");
    post(c.collectionId || "", "confirm-verification", { token: token }).then(function (r) {
      show("Email verification", "");
      if (r.ok) status("Successfully verified email address.", true);
      else status("Invalid or expired verification token.", false);
    });
  }

  function confirmPasswordReset(token) {
    var c = claims(token);
    show("Reset password", c.email ? "Choose a new password for " + c.email + "." : "Choose a new password.");
    $("password-label").textContent = "New password";
    withForm(["password", "passwordConfirm"], "Set new password", function () {
      return post(c.collectionId || "", "confirm-password-reset", {
        token: token,
        password: $("password").value,
        passwordConfirm: $("passwordConfirm").value,
      }).then(function (r) {
        if (r.ok) {
          $("form").classList.add("hidden");
          status("Successfully changed the user password. You can now sign in with your new password.", true);
        } else {
          fieldErrors(r.error.data);
          status(r.error.message || "Failed to set the new password.", false);
        }
      });
    });
  }

  function confirmEmailChange(token) {
    var c = claims(token);
    show("Confirm email change", c.newEmail ? "Type your password to change your email to " + c.newEmail + "." : "Type your password to confirm the change.");
    $("password-label").textContent = "Password";
    $("password").setAttribute("autocomplete", "current-password");
    withForm(["password"], "Confirm new email", function () {
      return post(c.collectionId || "", "confirm-email-change", {
        token: token,
        password: $("password").value,
      }).then(function (r) {
        if (r.ok) {
          $("form").classList.add("hidden");
          status("Successfully changed the user email address. You can now sign in with your new email address.", true);
        } else {
          fieldErrors(r.error.data);
          status(r.error.message || "Failed to change the email address.", false);
        }
      });
    });
  }

  function oauth2(success) {
    if (success) {
      show("Auth completed", "You can go back to the app if it doesn't happen automatically.");
    } else {
      show("Auth failed", "You can close this window and go back to the app to try again.");
    }
    try { window.close(); } catch (e) { /* not a popup */ }
  }

  function route() {
    var parts = (window.location.hash || "").replace(/^#\/?/, "").split("/");
    var page = parts[0] === "auth" ? parts[1] : "";
    var token = decodeURIComponent(parts.slice(2).join("/") || "");
    if (page === "confirm-verification" && token) return confirmVerification(token);
    if (page === "confirm-password-reset" && token) return confirmPasswordReset(token);
    if (page === "confirm-email-change" && token) return confirmEmailChange(token);
    if (page === "oauth2-redirect-success") return oauth2(true);
    if (page === "oauth2-redirect-failure") return oauth2(false);
    show("Roost", "This server answers the PocketBase API under /api/.");
  }

  window.addEventListener("hashchange", function () { window.location.reload(); });
  route();
})();
