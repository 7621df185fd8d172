// Analysis.Tokenizers against Microsoft.ML.Tokenizers' TiktokenTokenizer on the same text, in the same process,
// interleaved: each round times one pass of ours, then one pass of theirs (alternating which goes first), so
// frequency scaling and noisy neighbours hit both alike. Ids are checked equal on every line first.
// Usage: dotnet MlTokenizersBench.dll <corpus> <rounds> <name>=<tokenizer.json folder>...   (names: gpt2, llama3)
// The corpus is one text per line: a JSON string, a JSON object's "text" field, or the plain line.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using Ours = Analysis.Tokenizers.Tokenizer;

var json = args[0].EndsWith(".jsonl", StringComparison.Ordinal);
var corpus = File.ReadLines(args[0]).Select(l => !json ? l : l.StartsWith('"') ? JsonSerializer.Deserialize<string>(l)!
    : JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToArray();
var rounds = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
const double warmupSeconds = 3;
Console.WriteLine($"corpus: {args[0]}, {corpus.Length} lines, {corpus.Sum(l => (long)l.Length):N0} chars; {rounds} interleaved rounds of one pass each after {warmupSeconds} s of warm-up; medians");
Console.WriteLine($"{"tokenizer",-10} {"ours tok/s",12} {"ML ids tok/s",13} {"ML tokens tok/s",16} {"ratio vs ids",13} {"ratio vs tokens",16}");
foreach (var spec in args.Skip(2))
{
    var (name, folder) = (spec[..spec.IndexOf('=')], spec[(spec.IndexOf('=') + 1)..]);
    var ours = Ours.Load(folder);
    var theirs = name == "gpt2" ? TiktokenTokenizer.CreateForModel("gpt2") : FromTokenizerJson(Path.Combine(folder, "tokenizer.json"));

    // Exactness first: the same ids on every line (without the BOS our llama3 adds, which Tiktoken does not).
    var mismatches = new List<int>();
    long tokens = 0;
    for (var l = 0; l < corpus.Length; l++)
    {
        var a = ours.Encode(corpus[l], addSpecialTokens: false).Ids;
        var b = theirs.EncodeToIds(corpus[l]);
        if (!a.AsSpan().SequenceEqual(b.ToArray())) mismatches.Add(l);
        tokens += a.Length;
    }
    if (mismatches.Count > 0)
        Console.WriteLine($"{name}: ids differ from ML.Tokenizers on {mismatches.Count} of {corpus.Length} lines, e.g. line {mismatches[0] + 1}: {JsonSerializer.Serialize(corpus[mismatches[0]])}");

    var ourTimes = new List<double>();
    var idTimes = new List<double>();
    var tokenTimes = new List<double>();
    // Warm-up, not counted: both sides run until their code is fully optimised (tiered JIT promotes hot methods only after
    // they have run a while) and their word caches hold the corpus.
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed.TotalSeconds < warmupSeconds)
        foreach (var line in corpus) { ours.Encode(line, addSpecialTokens: false); theirs.EncodeToIds(line); theirs.EncodeToTokens(line, out _); }
    for (var r = 1; r < rounds + 1; r++)
    {
        var order = r % 2 == 0 ? new[] { 0, 1, 2 } : new[] { 2, 1, 0 };
        foreach (var which in order)
        {
            var clock = Stopwatch.StartNew();
            long n = 0;
            switch (which)
            {
                case 0: foreach (var line in corpus) n += ours.Encode(line, addSpecialTokens: false).Count; break;
                case 1: foreach (var line in corpus) n += theirs.EncodeToIds(line).Count; break;
                default: foreach (var line in corpus) n += theirs.EncodeToTokens(line, out _).Count; break;
            }
            var seconds = clock.Elapsed.TotalSeconds;
            (which == 0 ? ourTimes : which == 1 ? idTimes : tokenTimes).Add(seconds);
        }
    }
    static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
    var (o, i, t) = (Median(ourTimes), Median(idTimes), Median(tokenTimes));
    Console.WriteLine($"{name,-10} {tokens / o,12:N0} {tokens / i,13:N0} {tokens / t,16:N0} {i / o,12:0.00}x {t / o,15:0.00}x");
}

// A tokenizer.json byte-level BPE (vocab + ranks = ids) as a Tiktoken vocabulary, with its Split regex and added tokens.
static TiktokenTokenizer FromTokenizerJson(string path)
{
    using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
    var root = doc.RootElement;
    var unicodeToByte = ByteAlphabet();
    var tiktoken = new StringBuilder();
    foreach (var entry in root.GetProperty("model").GetProperty("vocab").EnumerateObject())
    {
        var bytes = entry.Name.Select(c => unicodeToByte[c]).ToArray();
        tiktoken.Append(Convert.ToBase64String(bytes)).Append(' ').Append(entry.Value.GetInt32()).Append('\n');
    }
    var special = root.GetProperty("added_tokens").EnumerateArray().ToDictionary(t => t.GetProperty("content").GetString()!, t => t.GetProperty("id").GetInt32());
    var pattern = root.GetProperty("pre_tokenizer").GetProperty("pretokenizers")[0].GetProperty("pattern").GetProperty("Regex").GetString()!;
    using var stream = new MemoryStream(Encoding.UTF8.GetBytes(tiktoken.ToString()));
    return TiktokenTokenizer.Create(stream, new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), special), normalizer: null, special);
}

// GPT-2's printable-character ↔ byte table (bytes_to_unicode), inverted.
static Dictionary<char, byte> ByteAlphabet()
{
    var map = new Dictionary<char, byte>();
    var next = 256;
    for (var b = 0; b < 256; b++)
        map[b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF) ? (char)b : (char)next++] = (byte)b;
    return map;
}
