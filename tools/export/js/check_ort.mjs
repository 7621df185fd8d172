// Runs every case of <model dir>/reference.json through ONNX Runtime (onnxruntime-node, CPU) and prints the
// maximum absolute and relative error against the exporter's logits, for every .onnx file in the folder. A KV cache
// the reference does not give (Optimum exports) is fed empty: past_key_values.* of past length 0, use_cache_branch
// false. Exit 1 above the file's tolerance.
//   node tools/export/js/check_ort.mjs onnx-models/stories260k [more dirs...]
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

function emptyCache(session, name, batch) {
  if (name === 'use_cache_branch') return new ort.Tensor('bool', new Uint8Array(1), [1]);
  const meta = session.inputMetadata.find(m => m.name === name);
  // [batch, heads, past, head_dim]: the first free axis is the batch, the next the past length (0).
  let free = 0;
  const dims = meta.shape.map(d => (typeof d === 'number' ? d : free++ === 0 ? batch : 0));
  return new ort.Tensor('float32', new Float32Array(0), dims);
}

async function check(dir, file, ref) {
  const session = await ort.InferenceSession.create(path.join(dir, file));
  let maxAbs = 0, maxRel = 0;
  for (const c of ref.cases) {
    const feeds = {};
    for (const [name, rows] of Object.entries(c.inputs)) {
      const flat = rows.flat().map(BigInt);
      feeds[name] = new ort.Tensor('int64', BigInt64Array.from(flat), [rows.length, rows[0].length]);
    }
    for (const name of session.inputNames)
      if (!(name in feeds) && (name.startsWith('past_key_values') || name === 'use_cache_branch'))
        feeds[name] = emptyCache(session, name, c.inputs.input_ids.length);
    const out = (await session.run(feeds, ['logits'])).logits;
    if (out.dims.join() !== c.logits_shape.join()) throw new Error(`${dir}/${file} ${c.name}: shape ${out.dims} != ${c.logits_shape}`);
    let scale = 0;
    for (const x of c.logits) scale = Math.max(scale, Math.abs(x));
    for (let i = 0; i < out.data.length; i++) {
      const d = Math.abs(out.data[i] - c.logits[i]);
      maxAbs = Math.max(maxAbs, d);
      maxRel = Math.max(maxRel, d / Math.max(Math.abs(c.logits[i]), 1e-6 * scale, 1e-30));
    }
  }
  const ok = maxAbs <= ref.tolerance.abs;
  console.log(`${path.join(dir, file)}: onnxruntime-node ${ort.env.versions?.common ?? ''} max abs ${maxAbs.toExponential(2)} max rel ${maxRel.toExponential(2)} (tolerance abs ${ref.tolerance.abs}) ${ok ? 'OK' : 'FAIL'}`);
  return ok;
}

let failed = false;
for (const dir of process.argv.slice(2)) {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.onnx')).sort())
    if (!(await check(dir, file, ref))) failed = true;
}
process.exit(failed ? 1 : 0);
