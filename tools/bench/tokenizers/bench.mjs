// Tokens per second of transformers.js (@huggingface/transformers), single-threaded encode per corpus line.
// Usage: node bench.mjs <corpus.jsonl> <seconds> <tokenizer folder>...   (run from anywhere; uses tools/tokenizer-golden's node_modules)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const golden = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tokenizer-golden');
const require = createRequire(join(golden, 'package.json'));
const { env, AutoTokenizer } = await import(pathToFileURL(require.resolve('@huggingface/transformers')).href);
const [corpusPath, secondsText, ...folders] = process.argv.slice(2);
const corpus = readFileSync(corpusPath, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
const seconds = Number(secondsText);
env.allowRemoteModels = false;
for (const folder of folders) {
  env.localModelPath = dirname(folder) + '/';
  const tokenizer = await AutoTokenizer.from_pretrained(basename(folder));
  let tokens = 0;
  for (const line of corpus) tokens += tokenizer.encode(line).length; // warm-up
  tokens = 0;
  let passes = 0;
  const start = performance.now();
  while ((performance.now() - start) / 1000 < seconds || passes === 0) {
    for (const line of corpus) tokens += tokenizer.encode(line).length;
    passes++;
  }
  const elapsed = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ tokenizer: folder, implementation: 'transformers.js', passes, tokens, seconds: elapsed, tokensPerSecond: tokens / elapsed }));
}
