// Writes golden encodings of corpus.jsonl for every reference tokenizer.
//   ids, offsets, special mask, decoded text: Hugging Face's Rust `tokenizers` library through its official
//            Node binding (npm `tokenizers`) -- the implementation Python `transformers` uses. Rust reports
//            code-point offsets; they are converted here to UTF-16 indices (what .NET strings use).
//   js_ids: @huggingface/transformers (transformers.js) ids, written only on lines where they differ from Rust's
//            (transformers.js bugs: CJK extension-B in BertNormalizer, Precompiled charsmap corner cases,
//            lone surrogates with byte_fallback). On every other line the two references agree exactly.
//   llama2.c tokenizer.bin: ids, offsets and decoded text from reference-llama2c.mjs (a port of run.c's encode).
// Run: node make-golden.mjs [path to shared/tokenizers] [path to shared/models]
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { env, AutoTokenizer } from '@huggingface/transformers';
import { Llama2cTokenizer } from './reference-llama2c.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer: RustTokenizer } = require('tokenizers');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const shared = process.argv[2] ?? join(root, '..', '..', 'shared', 'tokenizers');
const models = process.argv[3] ?? join(shared, '..', 'models');
const testDir = join(root, 'tests', 'Analysis.Tokenizers.Tests');
const dataDir = join(testDir, 'Data');
const goldenDir = join(testDir, 'Golden');
const corpus = readFileSync(join(goldenDir, 'corpus.jsonl'), 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l));

// Lone surrogates cannot live in the JSON corpus file that .NET reads; they get their own file as UTF-16 code units.
const surrogateCases = ['a\ud800b', '\udc00', 'x\ud83dy', 'end\ud83d', '\udfff\ud800', 'ok 😀 \ud800 <s>'];

function codePointToUtf16(text) {
  const map = [0];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i);
    i += cp > 0xffff ? 2 : 1;
    map.push(i);
  }
  return map;
}

env.allowRemoteModels = false;
env.localModelPath = shared + '/';
mkdirSync(dataDir, { recursive: true });

const names = ['gpt2', 'llama3', 'mistral-sp-bpe', 'bert-minilm', 't5'];
const summary = [];
for (const name of names) {
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
    if (existsSync(join(shared, name, f))) {
      mkdirSync(join(dataDir, name), { recursive: true });
      copyFileSync(join(shared, name, f), join(dataDir, name, f));
    }
  }
  const js = await AutoTokenizer.from_pretrained(name);
  const rust = RustTokenizer.fromFile(join(shared, name, 'tokenizer.json'));
  rust.disablePadding();
  rust.disableTruncation();
  let agree = 0;
  const rows = [];
  const encodeRow = async (text) => {
    const enc = await rust.encode(text);
    const ids = enc.getIds();
    const map = codePointToUtf16(text.toWellFormed());
    const row = {
      ids,
      offsets: enc.getOffsets().map(([s, e]) => [map[s], map[e]]),
      special: enc.getSpecialTokensMask(),
      decoded: await rust.decode(ids, false),
      decoded_skip_special: await rust.decode(ids, true),
    };
    const jsIds = Array.from(js.encode(text));
    if (jsIds.length === ids.length && jsIds.every((v, i) => v === ids[i])) agree++;
    else row.js_ids = jsIds;
    return row;
  };
  for (const text of corpus) rows.push(await encodeRow(text));
  const corpusAgree = agree;
  writeFileSync(join(goldenDir, `${name}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const sRows = [];
  for (const text of surrogateCases) {
    const r = await encodeRow(text);
    sRows.push({ utf16: Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)), ...r });
  }
  writeFileSync(join(goldenDir, `${name}.surrogates.jsonl`), sRows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  summary.push(`${name}: ${rows.length} lines, Rust ids agree with transformers.js on ${corpusAgree}/${rows.length} (+${agree - corpusAgree}/${sRows.length} lone-surrogate cases)`);
}

// Batches: Rust's truncation (special tokens kept, content cut from either side) and padding (either side).
const batchRows = [];
const batchTexts = corpus.slice(13, 45);
for (const name of ['gpt2', 'mistral-sp-bpe', 'bert-minilm', 't5']) {
  for (const truncation of ['right', 'left']) {
    for (const padding of ['right', 'left']) {
      const rust = RustTokenizer.fromFile(join(shared, name, 'tokenizer.json'));
      rust.setTruncation(9, { direction: truncation, strategy: 'LongestFirst' });
      rust.setPadding({ direction: padding, padId: 7 });
      const encodings = await rust.encodeBatch(batchTexts);
      batchRows.push({
        name, truncation, padding, max_length: 9, pad_id: 7,
        ids: encodings.map((e) => e.getIds()),
        attention_mask: encodings.map((e) => e.getAttentionMask()),
        offsets: encodings.map((e, r) => { const map = codePointToUtf16(batchTexts[r].toWellFormed()); return e.getOffsets().map(([s, e2]) => [map[s], map[e2]]); }),
      });
    }
  }
}
writeFileSync(join(goldenDir, 'batches.jsonl'), batchRows.map((r) => JSON.stringify(r)).join('\n') + '\n');
summary.push(`batches: ${batchRows.length} (texts = corpus lines 14-45, max_length 9, pad id 7)`);

// Variants: real vocabularies behind other pipeline components (Golden/variants.json), to cover what the six
// real files do not use. The tests apply the same edits to the same base files.
const variants = JSON.parse(readFileSync(join(goldenDir, 'variants.json'), 'utf8'));
const variantTexts = corpus.slice(0, 400);
const variantRows = [];
for (const v of variants) {
  const json = JSON.parse(readFileSync(join(shared, v.base, 'tokenizer.json'), 'utf8'));
  Object.assign(json, v.set ?? {});
  if (v.model) json.model = { ...v.model, vocab: json.model.vocab };
  if (v.model_fields) Object.assign(json.model, v.model_fields);
  json.padding = null; json.truncation = null;
  const rust = RustTokenizer.fromString(JSON.stringify(json));
  for (const text of variantTexts) {
    const enc = await rust.encode(text);
    const map = codePointToUtf16(text.toWellFormed());
    const ids = enc.getIds();
    variantRows.push({ variant: v.name, ids, offsets: enc.getOffsets().map(([s, e]) => [map[s], map[e]]), special: enc.getSpecialTokensMask(),
      decoded: await rust.decode(ids, false), decoded_skip_special: await rust.decode(ids, true) });
  }
}
writeFileSync(join(goldenDir, 'variants.jsonl'), variantRows.map((r) => JSON.stringify(r)).join('\n') + '\n');
summary.push(`variants: ${variants.length} x ${variantTexts.length} lines`);

for (const [name, file] of [['tok512', join(models, 'llama2c-stories260K', 'tok512.bin')], ['llama2-sp', join(shared, 'llama2-sp', 'tokenizer.bin')]]) {
  mkdirSync(join(dataDir, 'llama2c'), { recursive: true });
  copyFileSync(file, join(dataDir, 'llama2c', `${name}.bin`));
  const tok = new Llama2cTokenizer(readFileSync(file));
  const rows = corpus.map((text) => {
    const { ids, offsets } = tok.encode(text, true, false);
    return { ids, offsets, special: ids.map((id, i) => (i === 0 ? 1 : 0)), decoded: tok.decode(ids), decoded_skip_special: tok.decode(ids, true) };
  });
  writeFileSync(join(goldenDir, `${name}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  summary.push(`${name}: ${rows.length} lines (llama2.c reference encoder)`);
}
console.log(summary.join('\n'));
