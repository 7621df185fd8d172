// Runs every case of <model dir>/reference.json through ONNX Runtime (onnxruntime-node, CPU) and prints the
// maximum absolute and relative error against the exporter's logits. Exit 1 above the file's tolerance.
//   node tools/export/js/check_ort.mjs onnx-models/stories260k [more dirs...]
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

let failed = false;
for (const dir of process.argv.slice(2)) {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
  let maxAbs = 0, maxRel = 0;
  for (const c of ref.cases) {
    const feeds = {};
    for (const [name, rows] of Object.entries(c.inputs)) {
      const flat = rows.flat().map(BigInt);
      feeds[name] = new ort.Tensor('int64', BigInt64Array.from(flat), [rows.length, rows[0].length]);
    }
    const out = (await session.run(feeds)).logits;
    if (out.dims.join() !== c.logits_shape.join()) throw new Error(`${dir} ${c.name}: shape ${out.dims} != ${c.logits_shape}`);
    let scale = 0;
    for (const x of c.logits) scale = Math.max(scale, Math.abs(x));
    for (let i = 0; i < out.data.length; i++) {
      const d = Math.abs(out.data[i] - c.logits[i]);
      maxAbs = Math.max(maxAbs, d);
      maxRel = Math.max(maxRel, d / Math.max(Math.abs(c.logits[i]), 1e-6 * scale, 1e-30));
    }
  }
  const ok = maxAbs <= ref.tolerance.abs;
  failed ||= !ok;
  console.log(`${dir}: onnxruntime-node ${ort.env.versions?.common ?? ''} max abs ${maxAbs.toExponential(2)} max rel ${maxRel.toExponential(2)} (tolerance abs ${ref.tolerance.abs}) ${ok ? 'OK' : 'FAIL'}`);
}
process.exit(failed ? 1 : 0);
