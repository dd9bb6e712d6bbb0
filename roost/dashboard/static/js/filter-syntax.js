// Splits a PocketBase filter / API rule into coloured tokens for display. Tolerant by design: text
// being typed is often half a filter, so anything unrecognised becomes an "other" token and the
// tokens always join back into the original text.
//   tokenize('@request.auth.id != "" && tags:length > 2')
//   -> [{kind: "macro", text: "@request.auth.id"}, {kind: "space", text: " "}, {kind: "operator", text: "!="}, ...]
// kinds: macro, field, modifier, operator, string, number, keyword, function, paren, comment, space, other
const PATTERNS = [
  ["space", /\s+/y],
  ["comment", /\/\/[^\n]*/y],
  ["string", /"(?:[^"\\]|\\.)*(?:"|$)|'(?:[^'\\]|\\.)*(?:'|$)/y],
  ["macro", /@[A-Za-z_][\w.]*/y],
  ["modifier", /:[A-Za-z_]\w*/y],
  ["operator", /\?(?:!=|>=|<=|!~|=|>|<|~)|!=|>=|<=|!~|&&|\|\||[=<>~]/y],
  ["number", /-?\d+(?:\.\d+)?(?![\w.])/y],
  ["word", /[A-Za-z_][\w.]*/y],
  ["paren", /[()[\],]/y],
];
const KEYWORDS = new Set(["true", "false", "null"]);

export function tokenize(text) {
  const tokens = [];
  let at = 0;
  while (at < text.length) {
    let matched = null;
    for (const [kind, re] of PATTERNS) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (m && m[0]) { matched = [kind, m[0]]; break; }
    }
    let [kind, part] = matched || ["other", text[at]];
    if (kind === "word") {
      // a name followed by "(" is a function (geoDistance, strftime), a bare true/false/null a keyword
      kind = KEYWORDS.has(part) ? "keyword" : text[at + part.length] === "(" ? "function" : "field";
    }
    const last = tokens[tokens.length - 1];
    if (kind === "other" && last && last.kind === "other") last.text += part;
    else tokens.push({ kind, text: part });
    at += part.length;
  }
  return tokens;
}
