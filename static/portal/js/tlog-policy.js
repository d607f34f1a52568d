// The alliance's word on a checkpoint, checked in the browser: the log's witness policy (C2SP
// tlog-policy: which witnesses, with which keys, in which groups, make the quorum) and the
// cosignatures on the checkpoint (C2SP tlog-cosignature v1: Ed25519 over a timestamped
// message). A port of judicial_verify/tlog/policy.py and cosignature.py; the policy's log lines
// are parsed but not trusted, as the page pins the log's keys itself.
import {
  CheckFailed,
  ed25519Verify,
  parseCosignatureKey,
  parseVerifierKey,
} from "./tlog-verify.js";

export const NONE = "none";
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f]/;
const WHITESPACE = /[ \t]+/;
const DECIMAL = /^[0-9]+$/;
const TIMESTAMPED_SIGNATURE_SIZE = 8 + 64;
const MAX_TIMESTAMP = 2n ** 63n - 1n;
const utf8 = new TextEncoder();

/** A policy file that does not parse; the message names the line and why. */
export class PolicyError extends Error {}

const keyMaterial = (key) => Array.from(key.publicKey, (b) => b.toString(16)).join(",");

/**
 * Parses a tlog-policy file's text strictly, as policy.py does: resolves to {witnesses: [{name,
 * key}], groups: Map of name to {threshold, members}, quorum: a witness or group name, or
 * NONE}; rejects with PolicyError.
 */
export async function parsePolicy(text) {
  const policy = { witnesses: [], groups: new Map(), quorum: null };
  const defined = new Set([NONE]);
  const listed = new Set();
  const keys = { log: new Set(), witness: new Set() };
  const lines = (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
  for (const [at, raw] of lines.entries()) {
    const fail = (why) => {
      throw new PolicyError(`policy line ${at + 1}: ${why}`);
    };
    if (FORBIDDEN.test(raw)) fail("a control character");
    const line = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    if (line === "" || line.startsWith("#")) continue;
    const [keyword, ...args] = line.split(WHITESPACE);
    const newName = (name) => {
      if (defined.has(name)) fail(`the name ${name} is already defined`);
      defined.add(name);
    };
    const newKey = (kind, key) => {
      if (keys[kind].has(keyMaterial(key))) fail(`this ${kind} key is already given`);
      keys[kind].add(keyMaterial(key));
    };
    if (keyword === "log") {
      if (args.length < 1 || args.length > 2) fail("a log line is `log <vkey> [<url>]`");
      const key = await parseVerifierKey(args[0]);
      if (key === null) fail("the log key is not a verifier key");
      newKey("log", key);
    } else if (keyword === "witness") {
      if (args.length < 2 || args.length > 3) fail("a witness line is `witness <name> <vkey>`");
      const key = await parseCosignatureKey(args[1]);
      if (key === null) fail(`witness ${args[0]}'s key is not a cosignature/v1 key`);
      newName(args[0]);
      newKey("witness", key);
      policy.witnesses.push({ name: args[0], key });
    } else if (keyword === "group") {
      if (args.length < 3) fail("a group line is `group <name> all|any|<k> <name>...`");
      const [name, k, ...members] = args;
      const threshold =
        k === "all" ? members.length : k === "any" ? 1 : DECIMAL.test(k) ? Number(k) : NaN;
      if (!(threshold >= 1 && threshold <= members.length)) fail(`group ${name}'s threshold`);
      for (const member of members) {
        if (member === NONE || member === name || !defined.has(member) || listed.has(member)) {
          fail(`group ${name} lists ${member}, not a witness or group defined before it alone`);
        }
        listed.add(member);
      }
      newName(name);
      policy.groups.set(name, { threshold, members });
    } else if (keyword === "quorum") {
      if (args.length !== 1 || policy.quorum !== null || !defined.has(args[0])) {
        fail("a policy has one quorum line, naming a witness or group defined before it");
      }
      policy.quorum = args[0];
    } else {
      fail(`unknown keyword ${keyword}`);
    }
  }
  if (policy.quorum === null) throw new PolicyError("the policy has no quorum line");
  return policy;
}

// The cosignature/v1 of `witness` in signature line `sig` over the note text: its timestamp
// (a BigInt), or null if the line is not by that witness or does not verify.
async function cosignatureTime(witness, text, sig) {
  if (sig.name !== witness.key.name || sig.id !== witness.key.id) return null;
  if (sig.signature.length !== TIMESTAMPED_SIGNATURE_SIZE) return null;
  const bytes = sig.signature;
  const timestamp = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
  if (timestamp < 1n || timestamp > MAX_TIMESTAMP) return null;
  const message = utf8.encode(`cosignature/v1\ntime ${timestamp}\n${text}`);
  const valid = await ed25519Verify(witness.key.publicKey, bytes.subarray(8), message);
  return valid ? timestamp : null;
}

/**
 * Each policy witness's first valid cosignature among the note's signature lines, in policy
 * order: [{witness: its name, timestamp: POSIX seconds (BigInt)}]. A line by another key, or
 * one that does not verify, counts for nothing.
 */
export async function validCosignatures(policy, text, signatures) {
  const found = [];
  for (const witness of policy.witnesses) {
    for (const sig of signatures) {
      const timestamp = await cosignatureTime(witness, text, sig);
      if (timestamp !== null) {
        found.push({ witness: witness.name, timestamp });
        break;
      }
    }
  }
  return found;
}

function witnessed(policy, name, names) {
  // A group lists only names defined before it, so this recursion ends.
  const group = policy.groups.get(name);
  if (group === undefined) return names.has(name);
  const vouched = group.members.filter((member) => witnessed(policy, member, names));
  return vouched.length >= group.threshold;
}

// How the quorum stands, in the words a page uses: `count` of its `total` members (witnesses,
// or groups of them) vouched, `required` of them must.
function tally(policy, names) {
  if (policy.quorum === NONE) return { count: 0, total: 0, required: 0 };
  const group = policy.groups.get(policy.quorum);
  if (group === undefined) {
    return { count: names.has(policy.quorum) ? 1 : 0, total: 1, required: 1 };
  }
  const count = group.members.filter((member) => witnessed(policy, member, names)).length;
  return { count, total: group.members.length, required: group.threshold };
}

/**
 * The "witnesses" step: resolves to {quorum, cosigners: [{witness, timestamp}], count, total,
 * required} when the valid cosignatures on the note make the policy's quorum; rejects with
 * CheckFailed("witnesses", ..., "quorum", the same) when they do not.
 */
export async function checkWitnesses(policy, note) {
  const cosigners = await validCosignatures(policy, note.text, note.signatures);
  const names = new Set(cosigners.map((c) => c.witness));
  const outcome = { quorum: policy.quorum, cosigners, ...tally(policy, names) };
  if (policy.quorum !== NONE && !witnessed(policy, policy.quorum, names)) {
    const by = cosigners.map((c) => c.witness).join(", ") || "none";
    const why = `quorum ${policy.quorum} not met; cosigned by ${by}`;
    throw new CheckFailed("witnesses", why, "quorum", outcome);
  }
  return outcome;
}
