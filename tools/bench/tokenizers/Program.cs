// Tokens per second of Analysis.Tokenizers, single-threaded Encode per corpus line (the same loop bench.mjs runs
// for transformers.js). Usage: dotnet run -c Release -- <corpus.jsonl> <seconds> <tokenizer path>...
using System.Diagnostics;
using System.Text.Json;
using Analysis.Tokenizers;

var corpus = File.ReadLines(args[0]).Select(l => JsonSerializer.Deserialize<string>(l)!).ToArray();
var seconds = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
foreach (var path in args.Skip(2))
{
    var tokenizer = Tokenizer.Load(path);
    long tokens = 0;
    foreach (var line in corpus) tokens += tokenizer.Encode(line).Count; // warm-up (JIT, word cache) as the JS side also warms up
    tokens = 0;
    var passes = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds || passes == 0)
    {
        foreach (var line in corpus) tokens += tokenizer.Encode(line).Count;
        passes++;
    }
    Console.WriteLine(JsonSerializer.Serialize(new { tokenizer = path, implementation = "Analysis.Tokenizers", passes, tokens, seconds = clock.Elapsed.TotalSeconds, tokensPerSecond = tokens / clock.Elapsed.TotalSeconds }));
}
