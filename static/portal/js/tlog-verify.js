// Verification in the browser, trusting nothing the server says that can be checked: that a
// log entry names a file's SHA-256, that its RFC 9162 inclusion proof leads to a checkpoint's
// root hash, that the C2SP checkpoint note states that root, and that its C2SP signed-note
// Ed25519 signature is by a published key of the log, not one the log retired before signing a
// tree of that size. The log (its origin, keys and retired keys' last sizes) is the one the
// caller trusts, never one an answer names. A port of judicial_verify/tlog (tree.py
// verify_inclusion, checkpoint.py, note.py, key_list.py), with WebCrypto for SHA-256 and
// Ed25519. The witnesses' cosignatures are tlog-policy.js's step.

const HASH_SIZE = 32;
const ALG_ED25519 = 0x01;
const ALG_COSIGNATURE_V1 = 0x04;
const SIG_PREFIX = "\u2014 "; // em dash, space
const NOTE_CONTROL = /[\x00-\x09\x0b-\x1f]/; // control characters other than newline
const LINE_CONTROL = /[\x00-\x1f]/;
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;
const MAX_UINT64 = 2n ** 64n - 1n;
const utf8 = new TextEncoder();

/**
 * The checks, in the order they run; a result names the first that did not pass. "witnesses"
 * runs only where the log publishes a witness policy (tlog-policy.js).
 */
export const STEPS = [
  "entry_hash",
  "inclusion_proof",
  "checkpoint_root",
  "known_key",
  "signature",
  "witnesses",
];

/**
 * A check that did not pass: `step` is one of STEPS, `failure` which of the step's failures it
 * is (the step's name, "entry_fields" for an entry that the answer describes otherwise,
 * "retired_key" for a signature by a key the log retired at a smaller tree), the message says
 * why (for developers), and `details` what the page needs to say it in words.
 */
export class CheckFailed extends Error {
  constructor(step, message, failure = step, details = {}) {
    super(message);
    this.step = step;
    this.failure = failure;
    this.details = details;
  }
}

/** Thrown when the browser's WebCrypto has no Ed25519: nothing was shown false, only unchecked. */
export class Ed25519Unsupported extends Error {}

async function sha256(...parts) {
  const data = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

const equalBytes = (a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const uint32 = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);

/** The bytes of standard padded base64 in its one canonical spelling, else null. */
export function decodeBase64(text) {
  let binary;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  // atob also takes missing padding, whitespace and non-zero trailing bits: re-encode.
  if (btoa(binary) !== text) return null;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** RFC 9162 leaf hash: SHA-256(0x00 || entry bytes). */
export const leafHash = (entry) => sha256(Uint8Array.of(0), entry);

const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

/**
 * Checks, exactly as RFC 9162 2.1.3.2, that proof (hashes, the leaf's sibling first) leads
 * from leaf at index (a BigInt) in a tree of size leaves (a BigInt) to root; throws
 * CheckFailed("inclusion_proof") unless it does.
 */
export async function verifyInclusion({ leaf, index, size, proof, root }) {
  const fail = (why) => {
    throw new CheckFailed("inclusion_proof", why);
  };
  if (![leaf, root, ...proof].every((h) => h.length === HASH_SIZE)) fail("a hash is not 32 bytes");
  if (!(index >= 0n && index < size)) fail(`index ${index} is not in a tree of size ${size}`);
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) fail("inclusion proof is longer than the tree is high");
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) fail("inclusion proof is shorter than the tree is high");
  if (!equalBytes(r, root)) fail("inclusion proof does not lead to the root hash");
}

function isValidKeyName(name) {
  return name !== "" && !name.includes("+") && !/\s/u.test(name) && !LINE_CONTROL.test(name);
}

const keyId = async (name, alg, publicKey) =>
  uint32(await sha256(utf8.encode(name), Uint8Array.of(0x0a, alg), publicKey));

/**
 * Parses a verifier key "name+hexid+base64(0x01 || 32-byte public key)" and checks that its ID
 * is SHA-256(name || 0x0A || 0x01 || key)[:4]; returns {name, id, publicKey, text} or null.
 */
export const parseVerifierKey = (text) => parseKey(text, ALG_ED25519);

/** As parseVerifierKey, for a C2SP tlog-cosignature v1 key, whose type byte is 0x04. */
export const parseCosignatureKey = (text) => parseKey(text, ALG_COSIGNATURE_V1);

async function parseKey(text, alg) {
  const first = text.indexOf("+");
  const second = text.indexOf("+", first + 1);
  if (first < 0 || second < 0) return null;
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const data = decodeBase64(text.slice(second + 1));
  if (!isValidKeyName(name) || !KEY_ID_HEX.test(idHex)) return null;
  if (data === null || data.length !== 33 || data[0] !== alg) return null;
  const publicKey = data.subarray(1);
  const id = Number.parseInt(idHex, 16);
  return (await keyId(name, alg, publicKey)) === id ? { name, id, publicKey, text } : null;
}

/** Splits a signed note into its text (ending in a newline) and its signature lines. */
function splitNote(note) {
  const malformed = (why) => new CheckFailed("checkpoint_root", why);
  if (NOTE_CONTROL.test(note)) throw malformed("note contains a control character");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw malformed("note has no blank line before its signatures");
  const block = note.slice(split + 2);
  if (!block.endsWith("\n")) throw malformed("note's signature block does not end in a newline");
  const lines = block.slice(0, -1).split("\n");
  return { text: note.slice(0, split + 1), signatures: lines.map(parseSignatureLine) };
}

function parseSignatureLine(line) {
  const malformed = new CheckFailed("checkpoint_root", `malformed signature line ${line}`);
  if (!line.startsWith(SIG_PREFIX)) throw malformed;
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(" ");
  const name = space < 0 ? rest : rest.slice(0, space);
  const raw = decodeBase64(space < 0 ? "" : rest.slice(space + 1));
  if (!isValidKeyName(name) || raw === null || raw.length < 5) throw malformed;
  return { name, id: uint32(raw), signature: raw.subarray(4) };
}

/** Parses C2SP tlog-checkpoint text strictly: {origin, size (BigInt), root}. */
function parseCheckpoint(text) {
  const fail = (why) => {
    throw new CheckFailed("checkpoint_root", why);
  };
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) fail("checkpoint has fewer than three lines");
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if ([origin, ...extensions].some((line) => line === "" || LINE_CONTROL.test(line))) {
    fail("checkpoint has an empty line or a control character");
  }
  if (!DECIMAL.test(sizeLine) || BigInt(sizeLine) > MAX_UINT64) fail("checkpoint size");
  const root = decodeBase64(rootLine);
  if (root === null || root.length !== HASH_SIZE) fail("checkpoint root hash");
  return { origin, size: BigInt(sizeLine), root };
}

/** Whether signature is the Ed25519 signature of message by publicKey (WebCrypto). */
export async function ed25519Verify(publicKey, signature, message) {
  let key;
  try {
    key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch (error) {
    if (error.name === "NotSupportedError") throw new Ed25519Unsupported(error.message);
    throw error;
  }
  return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
}

// What the entry must name: the file's SHA-256 (hex), or {content} for a copy of the same
// text, whose content fingerprint (pdf-text/v1) is the entry's.
function entryFields(proven, expected) {
  const fail = (why) => {
    throw new CheckFailed("entry_hash", why);
  };
  const entry = decodeBase64(proven.entry);
  if (entry === null) fail("entry bytes are not base64");
  let fields;
  try {
    fields = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(entry));
  } catch {
    fail("entry bytes are not UTF-8 JSON");
  }
  const names =
    typeof expected === "string"
      ? fields.sha256 === expected.toLowerCase()
      : fields.content === expected.content;
  if (!names) fail("the entry names another document");
  // The answer's node name goes with the entry's node code only if the answer agrees with
  // the entry on what it is: an answer that does not is refused rather than half believed.
  if (fields.kind !== proven.kind || fields.node !== proven.node.code || fields.time !== proven.time) {
    throw new CheckFailed(
      "entry_hash",
      "the entry's fields differ from those the server sent beside it",
      "entry_fields",
    );
  }
  return { entry, fields };
}

function decodeHashes(hashes) {
  return hashes.map((text) => {
    const hash = decodeBase64(text);
    if (hash === null) throw new CheckFailed("inclusion_proof", "a proof hash is not base64");
    return hash;
  });
}

// Runs one step; anything it throws other than a verdict (a field missing from the server's
// answer, say) fails that step.
async function step(name, check) {
  try {
    return await check();
  } catch (error) {
    if (error instanceof CheckFailed || error instanceof Ed25519Unsupported) throw error;
    throw new CheckFailed(name, String(error));
  }
}

/**
 * Checks an entry of an /api/v1/verify answer (entry bytes, index, proof, checkpoint) against
 * the file's SHA-256 (hex), or {content: its content fingerprint}, and the trusted log: {origin, verifierKeys (strings), retired (a Map
 * of each retired key string to its last size, a decimal string)}, never taken from the answer.
 * Resolves to {key: the verifier key string that signed the checkpoint, fields: the entry as
 * its proven bytes state it (kind, sha256, node, time, ...), note: the checkpoint's {text,
 * signatures}}; rejects with CheckFailed naming the first step of STEPS (before "witnesses")
 * that failed, or with Ed25519Unsupported.
 */
export async function checkProvenEntry(proven, expected, log) {
  const { entry, fields } = await step("entry_hash", () => entryFields(proven, expected));

  const { root, size } = await step("inclusion_proof", async () => {
    const claimed = {
      root: decodeBase64(proven.checkpoint.root_hash) ?? new Uint8Array(),
      size: BigInt(proven.proof.tree_size),
    };
    await verifyInclusion({
      leaf: await leafHash(entry),
      index: BigInt(proven.index),
      size: claimed.size,
      proof: decodeHashes(proven.proof.hashes),
      root: claimed.root,
    });
    return claimed;
  });

  const note = await step("checkpoint_root", () => {
    const note = splitNote(proven.checkpoint.note);
    const checkpoint = parseCheckpoint(note.text);
    if (checkpoint.origin !== log.origin) {
      throw new CheckFailed("checkpoint_root", "the checkpoint is of another log");
    }
    if (checkpoint.size !== size || !equalBytes(checkpoint.root, root)) {
      throw new CheckFailed("checkpoint_root", "the checkpoint states another tree size or root");
    }
    return note;
  });

  const signed = await step("known_key", async () => {
    // The log's key is named after its origin: a signature by another key proves nothing here.
    const keys = (await Promise.all(log.verifierKeys.map(parseVerifierKey))).filter(
      (key) => key !== null && key.name === log.origin,
    );
    const found = note.signatures.flatMap((sig) =>
      keys.filter((key) => key.name === sig.name && key.id === sig.id).map((key) => ({ key, sig })),
    );
    if (found.length === 0) {
      throw new CheckFailed("known_key", "no signature is by a published key of this log");
    }
    // The log destroyed a retired key's private half after it signed its last tree: its
    // signature on a larger tree is by whoever kept or stole it.
    for (const { key } of found) {
      const lastSize = log.retired.get(key.text);
      if (lastSize !== undefined && size > BigInt(lastSize)) {
        throw new CheckFailed(
          "known_key",
          `signed by ${key.name}+${key.id.toString(16)}, retired after size ${lastSize}`,
          "retired_key",
          { lastSize, size: String(size) },
        );
      }
    }
    return found;
  });

  await step("signature", async () => {
    const message = utf8.encode(note.text);
    for (const { key, sig } of signed) {
      if (!(await ed25519Verify(key.publicKey, sig.signature, message))) {
        throw new CheckFailed("signature", `invalid signature by ${key.name}+${sig.id.toString(16)}`);
      }
    }
  });
  return { key: signed[0].key.text, fields, note };
}
