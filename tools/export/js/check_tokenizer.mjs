// Loads <model dir>/tokenizer.json with transformers.js (offline) and compares its ids with
// <model dir>/tokenizer_reference.json (the exporter's reference encoder). Exit 1 on any difference.
//   node tools/export/js/check_tokenizer.mjs onnx-models/stories260k
import fs from 'node:fs';
import path from 'node:path';
import { env, AutoTokenizer } from '@huggingface/transformers';

const dir = path.resolve(process.argv[2]);
env.allowRemoteModels = false;
env.localModelPath = path.dirname(dir) + path.sep;
const tokenizer = await AutoTokenizer.from_pretrained(path.basename(dir));
const ref = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_reference.json'), 'utf8'));
let same = 0, tokens = 0;
const diffs = [];
for (const c of ref.cases) {
  const ids = tokenizer.encode(c.text);
  tokens += c.ids.length;
  if (ids.length === c.ids.length && ids.every((x, i) => x === c.ids[i])) same++;
  else diffs.push({ text: c.text, expected: c.ids, got: ids });
}
console.log(`${dir}: transformers.js ${env.version} gives the reference ids on ${same}/${ref.cases.length} texts (${tokens} tokens)`);
for (const d of diffs.slice(0, 5)) console.log(JSON.stringify(d));
process.exit(diffs.length ? 1 : 0);
