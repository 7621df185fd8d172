#!/usr/bin/env bash
# Analysis.Tokenizers vs Microsoft.ML.Tokenizers 2.0.1 (TiktokenTokenizer) on gpt2 and llama3, interleaved in one
# process; prints tokens/s and the ratio ours / theirs (> 1: ours is faster) against EncodeToIds (ids only) and
# EncodeToTokens (ids, strings and offsets, which is what our Encode returns). Ids are checked equal first.
# Real text: the demo's 3,000 stories and the repository's docs, line by line; then the tokenizer golden corpus
# (hand-written hard cases and random Unicode). Usage: tools/bench/tokenizers/ml-run.sh [rounds, default 7]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
rounds="${1:-7}"
tokenizers="${TOKENIZERS:-$root/../shared/tokenizers}"
[ -d "$tokenizers/llama3" ] || tokenizers="$root/tests/Analysis.Tokenizers.Tests/Data"
dotnet build "$here/mltokenizers/MlTokenizersBench.csproj" -c Release -o "$here/mltokenizers/bin/out" >/dev/null
docs="$(mktemp)"; trap 'rm -f "$docs"' EXIT
cat "$root"/docs/*.md "$root"/README.md | grep -v '^\s*$' > "$docs"
for corpus in "$root/tools/demo/stories.jsonl" "$docs" "$root/tests/Analysis.Tokenizers.Tests/Golden/corpus.jsonl"; do
  dotnet "$here/mltokenizers/bin/out/MlTokenizersBench.dll" "$corpus" "$rounds" gpt2="$tokenizers/gpt2" llama3="$tokenizers/llama3"
  echo
done
