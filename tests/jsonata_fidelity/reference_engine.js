// The JSONata engine AWS Step Functions runs: the npm `jsonata` package pinned in package.json
// (a 2.0.x release) plus the six functions AWS adds. Reads one JSON request a line on stdin,
// {"id", "expression", "bindings"}, and answers one JSON line per request on stdout:
// {"id", "value"} | {"id", "undefined": true} | {"id", "unsupported": true} | {"id", "error": code, "message"}.
// One process serves a whole test session; compiled expressions are cached.
"use strict";
const crypto = require("node:crypto");
const readline = require("node:readline");
const jsonata = require("jsonata");

// AWS's functions, as the Step Functions developer guide describes them.
function partition(array, size) {
  const chunks = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

function range(first, last, step) {
  const values = [];
  for (let v = first; step > 0 ? v <= last : v >= last; v += step) values.push(v);
  // Recorded on AWS: $range(1, 9, 9) is 1, not [1] (a one-item sequence is its item).
  return values.length === 1 ? values[0] : values;
}

const HASH_ALGORITHMS = { "MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

function hash(value, algorithm) {
  return crypto.createHash(HASH_ALGORITHMS[algorithm]).update(value, "utf8").digest("hex");
}

const AWS_FUNCTIONS = {
  partition: [partition, "<an:a>"],
  range: [range, "<nnn:a>"],
  hash: [hash, "<ss:s>"],
  random: [() => Math.random(), "<n?:n>"],
  uuid: [() => crypto.randomUUID(), "<:s>"],
  parse: [(text) => JSON.parse(text), "<s:x>"],
};

const compiled = new Map();

function compile(expression) {
  let expr = compiled.get(expression);
  if (expr === undefined) {
    expr = jsonata(expression);
    for (const [name, [implementation, signature]] of Object.entries(AWS_FUNCTIONS)) {
      expr.registerFunction(name, implementation, signature);
    }
    compiled.set(expression, expr);
  }
  return expr;
}

function hasFunction(value) {
  if (typeof value === "function") return true;
  if (value !== null && typeof value === "object") {
    if (typeof value._jsonata_lambda !== "undefined" || value._jsonata_function) return true;
    return Object.values(value).some(hasFunction);
  }
  return false;
}

async function answer(request) {
  try {
    const value = await compile(request.expression).evaluate(undefined, request.bindings);
    if (value === undefined) return { undefined: true };
    if (hasFunction(value)) return { unsupported: true };
    return { value };
  } catch (error) {
    return { error: error.code || error.name || "Error", message: error.message };
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", async (line) => {
  const request = JSON.parse(line);
  const reply = await answer(request);
  process.stdout.write(JSON.stringify({ id: request.id, ...reply }) + "\n");
});
