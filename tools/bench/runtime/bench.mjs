// Baseline: the same models through ONNX Runtime's official Node.js binding (same ORT 1.30 native library).
// Usage: node bench.mjs MODEL_DIR ; prints one JSON line per model: median microseconds per run.
import ort from "onnxruntime-node";

const dir = process.argv[2];
const cases = [
  { model: "add.onnx", runs: 20000, feeds: () => ({ x: tensor([3, 4, 5]), y: tensor([3, 4, 5]) }) },
  { model: "mlp.onnx", runs: 200, feeds: () => ({ x: tensor([1, 64, 512]) }) },
];

function tensor(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (i % 17) * 0.01;
  return new ort.Tensor("float32", data, shape);
}

for (const c of cases) {
  const session = await ort.InferenceSession.create(`${dir}/${c.model}`, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = c.feeds();
  for (let i = 0; i < c.runs / 10; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < c.runs; i++) {
    const t = process.hrtime.bigint();
    const out = await session.run(feeds);
    if (out[session.outputNames[0]].data.length === 0) throw new Error("empty output");
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ model: c.model, median_us: times[times.length >> 1] }));
  await session.release();
}
