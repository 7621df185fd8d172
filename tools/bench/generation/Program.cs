// Generation speed: `analysis generate`'s library call (GenerationDispatch.Run: tokenizer, cached genai_config.json and
// derived model, GenAI generation, decoding) vs the raw GenAI API alone (open the same folder, feed the same prompt ids,
// generate the same tokens), interleaved round by round with the order alternating; tokens/s and the ratio per round.
//   dotnet run -- MODEL.onnx [--rounds 7] [--repeats 5] [--tokens 200] [--prompt "Once upon a time"]
using System.Diagnostics;
using System.Globalization;
using Analysis.Generation;
using Analysis.Runtime;
using Microsoft.ML.OnnxRuntimeGenAI;

var modelPath = Path.GetFullPath(args[0]);
string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
int rounds = int.Parse(Arg("--rounds", "7"), CultureInfo.InvariantCulture), repeats = int.Parse(Arg("--repeats", "5"), CultureInfo.InvariantCulture);
var tokens = int.Parse(Arg("--tokens", "200"), CultureInfo.InvariantCulture);
var request = new GenerationRequest
{
    Model = modelPath, Tokenizer = Path.Combine(Path.GetDirectoryName(modelPath)!, "tokenizer.json"),
    Prompt = Arg("--prompt", "Once upon a time"), MaxNewTokens = tokens,
};

var first = GenerationDispatch.Run(request, GenerationBackend.GenAi); // builds the cached folder
var promptIds = first.PromptIds;
var folder = GenAiGenerator.ModelFolder(request);
Console.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(modelPath))}/{Path.GetFileName(modelPath)}: prompt {promptIds.Length} tokens, " +
                  $"{first.Output.TokenIds.Length} new ({first.Output.Stopped}); GenAI folder {folder}; ORT {OrtEnvironment.Shared.LibraryPath}");

int[] Raw()
{
    using var model = new Model(folder);
    using var settings = new GeneratorParams(model);
    settings.SetSearchOption("max_length", promptIds.Length + tokens);
    using var generator = new Microsoft.ML.OnnxRuntimeGenAI.Generator(model, settings);
    generator.AppendTokens(promptIds);
    var ids = new List<int>();
    while (ids.Count < tokens && !generator.IsDone())
    {
        generator.GenerateNextToken();
        ids.Add(generator.GetNextTokens()[0]);
    }
    return ids.ToArray();
}
int[] Ours() => GenerationDispatch.Run(request).Output.TokenIds;

var raw = Raw();
var ours = Ours();
// GenAI alone keeps the stop token it ended on; ours leaves it out. Otherwise the same tokens.
if (!raw.Take(ours.Length).SequenceEqual(ours) || raw.Length - ours.Length is not (0 or 1)) throw new InvalidOperationException("The two paths generated different tokens.");
var counts = new[] { raw.Length, ours.Length };

var variants = new (string Name, Func<int[]> Run)[] { ("GenAI alone", Raw), ("ours (GenerationDispatch.Run)", Ours) };
foreach (var v in variants) for (var i = 0; i < 2; i++) v.Run(); // warm-up
var rates = variants.Select(_ => new List<double>()).ToArray();
var ratios = new List<double>();
for (var round = 0; round < rounds; round++)
{
    var order = round % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 };
    var rate = new double[2];
    foreach (var k in order)
    {
        var watch = Stopwatch.StartNew();
        for (var r = 0; r < repeats; r++) variants[k].Run();
        rate[k] = counts[k] * repeats / watch.Elapsed.TotalSeconds;
        rates[k].Add(rate[k]);
    }
    ratios.Add(rate[1] / rate[0]);
    Console.WriteLine($"  round {round + 1}: GenAI alone {rate[0]:F0} tok/s, ours {rate[1]:F0} tok/s, ratio {rate[1] / rate[0]:F3}");
}
static double Median(IEnumerable<double> xs) { var s = xs.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
Console.WriteLine($"median: GenAI alone {Median(rates[0]):F0} tok/s, ours {Median(rates[1]):F0} tok/s, ratio ours/GenAI {Median(ratios):F3} " +
                  $"(range {ratios.Min():F3}–{ratios.Max():F3}); target >= 0.9");
