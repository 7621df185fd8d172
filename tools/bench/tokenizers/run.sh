#!/usr/bin/env bash
# Runs both benchmarks on the same corpus, same machine, same run, and prints the speed ratio per tokenizer.
# Needs: dotnet; node with tools/tokenizer-golden installed (cd tools/tokenizer-golden && npm ci --ignore-scripts).
# Usage: tools/bench/tokenizers/run.sh [seconds per tokenizer, default 5]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-5}"
data="$root/tests/Analysis.Tokenizers.Tests/Data"
corpus="$root/tests/Analysis.Tokenizers.Tests/Golden/corpus.jsonl"
names=(gpt2 llama3 mistral-sp-bpe bert-minilm t5)
if [ ! -d "$root/tools/tokenizer-golden/node_modules/@huggingface/transformers" ]; then
  echo "transformers.js is not installed: run (cd tools/tokenizer-golden && npm ci --ignore-scripts) first" >&2; exit 1
fi
dotnet build "$here/TokenizerBench.csproj" -c Release -o "$here/bin/out" >/dev/null
net=$(dotnet "$here/bin/out/TokenizerBench.dll" "$corpus" "$seconds" "${names[@]/#/$data/}")
js=$(node "$here/bench.mjs" "$corpus" "$seconds" "${names[@]/#/$data/}")
printf '%-16s %14s %14s %7s\n' tokenizer "C# tokens/s" "JS tokens/s" ratio
for n in "${names[@]}"; do
  c=$(grep "\"$data/$n\"" <<<"$net" | sed 's/.*"tokensPerSecond":\([0-9.e+]*\).*/\1/')
  j=$(grep "\"$data/$n\"" <<<"$js" | sed 's/.*"tokensPerSecond":\([0-9.e+]*\).*/\1/')
  awk -v n="$n" -v c="$c" -v j="$j" 'BEGIN { printf "%-16s %14.0f %14.0f %6.2fx\n", n, c, j, c / j }'
done
