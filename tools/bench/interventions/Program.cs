// Intervention overhead: the same batch through the clean model and through models carrying one or every edit (nothing
// fed, and fed), interleaved
// round by round (the order alternating), reported as time ratios to the clean forward pass measured in the same round.
//   dotnet run -- MODEL.onnx [--rounds 7] [--iterations 20] [--warmup 3] [--batch 8] [--length 128]
//   dotnet run -- MODEL.onnx --profile DIR [--iterations 3] [--broadcast-steering]   (ORT profiler, kernel time per operator)
//   dotnet run -- MODEL.onnx --dump DIR                                               (the graphs ORT optimized)
using System.Diagnostics;
using System.Globalization;
using Analysis.Extraction;
using Analysis.Interventions;
using Analysis.Onnx;
using Analysis.Runtime;

var model = args[0];
int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
int rounds = Arg("--rounds", 7), iterations = Arg("--iterations", 20), batch = Arg("--batch", 8), length = Arg("--length", 128);

var loaded = OnnxModel.Load(model);
loaded.SelectNoCacheBranch();
var hooks = HookDiscovery.Discover(loaded).Hooks.Select(h => h.Name).ToList();
var residPost = hooks.Where(h => h.EndsWith(".hook_resid_post", StringComparison.Ordinal)).ToList();
var mlpPost = hooks.Where(h => h.EndsWith(".mlp.hook_post", StringComparison.Ordinal)).ToList();
var middle = residPost[residPost.Count / 2];

var random = new Random(1);
var vocab = (int)loaded.Graph.Initializer.Where(t => t.Dims.Count == 2).Max(t => t.Dims[0]);
var rows = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, length).Select(_ => random.Next(3, Math.Min(vocab, 500))).ToArray()).ToArray();

// --dump DIR: save the graphs ONNX Runtime optimized (clean, one edit, every edit) and stop, to compare node patterns.
if (Array.IndexOf(args, "--dump") is var dumpAt and >= 0)
{
    var dir = args[dumpAt + 1];
    Directory.CreateDirectory(dir);
    SessionOptions Dump(string name) => new() { OptimizedModelPath = Path.Combine(dir, name + ".onnx") };
    using (InferenceSession.Open(model, Dump("clean"))) { }
    using (InterventionModel.Open(model, [new(middle, EditKind.Steer)], options: Dump("one"))) { }
    using (InterventionModel.Open(model, [.. residPost.Select(h => new InterventionPoint(h, EditKind.Steer)), .. mlpPost.Select(h => new InterventionPoint(h, EditKind.Replace))], options: Dump("every"))) { }
    Console.WriteLine($"optimized graphs in {dir}");
    return;
}

// --profile DIR: ONNX Runtime's profiler on the clean model and the every-edit model, kernel time per operator.
if (Array.IndexOf(args, "--profile") is var profileAt and >= 0)
{
    Profile.Run(model, args[profileAt + 1], residPost, mlpPost, rows, iterations, Array.IndexOf(args, "--broadcast-steering") >= 0);
    return;
}

using var clean = InferenceSession.Open(model);
var cleanInputs = new ModelInputs(clean.Inputs).Build(rows, length, 0);
var logits = clean.Outputs.Any(o => o.Name == "logits") ? "logits" : clean.Outputs[0].Name;
using var one = InterventionModel.Open(model, [new(middle, EditKind.Steer)]);
using var every = InterventionModel.Open(model,
    [.. residPost.Select(h => new InterventionPoint(h, EditKind.Steer)), .. mlpPost.Select(h => new InterventionPoint(h, EditKind.Replace))]);
var direction = Enumerable.Range(0, one.Widths[middle]).Select(i => MathF.Sin(i)).ToArray();

var mlpWidth = mlpPost.Count > 0 ? every.Widths[mlpPost[0]] : 0;
var edits = residPost.Count + mlpPost.Count;

// Each variant: one forward pass, feeds built inside the timed call as a user's run builds them. "Fed" steers α·v at
// every position; fed replacements zero-ablate neuron 0 of each MLP at every position (full keep/value arrays).
var variants = new (string Name, Action Run)[]
{
    ("clean model", () => { using var r = clean.Run(cleanInputs, [logits]); }),
    ("1 edit (steer mid resid_post), nothing fed", () => { using var r = one.Run(one.CreateFeed(rows)); }),
    ("1 edit (steer mid resid_post), fed", () =>
    {
        var feed = one.CreateFeed(rows);
        for (var b = 0; b < batch; b++) feed.Steer(middle, b, direction, 2f);
        using var r = one.Run(feed);
    }),
    ($"{edits} edits (steer resid_post, replace mlp.hook_post), nothing fed", () => { using var r = every.Run(every.CreateFeed(rows)); }),
    ($"{edits} edits, all fed", () =>
    {
        var feed = every.CreateFeed(rows);
        for (var b = 0; b < batch; b++)
        {
            foreach (var h in residPost) feed.Steer(h, b, direction, 0.5f);
            foreach (var h in mlpPost) Ablation.Apply(feed, every, h, b, AblationKind.Zero, channels: [0]);
        }
        using var r = every.Run(feed);
    }),
};
var warmup = Arg("--warmup", 3);
foreach (var v in variants) for (var i = 0; i < warmup; i++) v.Run(); // warm-up

var times = variants.Select(_ => new List<double>()).ToArray();
for (var round = 0; round < rounds; round++)
{
    var order = round % 2 == 0 ? Enumerable.Range(0, variants.Length) : Enumerable.Range(0, variants.Length).Reverse();
    foreach (var v in order)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) variants[v].Run();
        times[v].Add(watch.Elapsed.TotalMilliseconds / iterations);
    }
}
double Median(IEnumerable<double> xs) { var s = xs.OrderBy(x => x).ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
Console.WriteLine($"model {model}: batch {batch} × {length} tokens, {rounds} interleaved rounds of {iterations} passes");
Console.WriteLine($"{"variant",-70} {"ms/pass",9} {"ratio to clean (median of rounds)",34}");
for (var v = 0; v < variants.Length; v++)
{
    var ratios = Enumerable.Range(0, rounds).Select(r => times[v][r] / times[0][r]).ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variants[v].Name,-70} {Median(times[v]),9:0.000} {Median(ratios),12:0.000} (rounds {ratios.Min():0.000}–{ratios.Max():0.000})"));
}
