using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Analysis.Extraction;
using Analysis.Runtime;
using Analysis.Tokenizers;

// Extraction benchmarks (issue 6). Subcommands:
//   texts      DATA OUT COUNT MINCHARS        long texts: consecutive lines of DATA joined until MINCHARS characters
//   repeat     DATA OUT TOKENIZER TOKENS      DATA's lines repeated until they tokenize to TOKENS tokens
//   throughput MODEL DATA OUT IDS [options]   extraction vs the bare forward pass, interleaved rounds
//   rss        MODEL DATA OUT [options]       one extraction, then peak RSS (VmHWM) of this process
//   positions  MODEL DATA OUT [options]       --positions P (default last) selected in the graph vs on the CPU, interleaved rounds
// Options: --max-length N, --batch-size N, --rounds N, --threads N, --device cpu|cuda[:N], --hooks PATTERN, --compression C, --examples-per-part N,
//          --also-compression C (throughput: a third timing per round, the extraction with codec C), --positions P,
//          --positions-in-graph true|false (rss: select positions in the graph or on the CPU).
// Every result is printed as one JSON object per line for run.sh.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var options = Options(args.Skip(positional.Length).ToArray());
return positional.FirstOrDefault() switch
{
    "texts" => Texts(positional[1], positional[2], int.Parse(positional[3]), int.Parse(positional[4])),
    "repeat" => Repeat(positional[1], positional[2], positional[3], long.Parse(positional[4])),
    "throughput" => Throughput(positional[1], positional[2], positional[3], positional[4], options),
    "setup" => Setup(positional[1], options),
    "rss" => Rss(positional[1], positional[2], positional[3], options),
    "positions" => Positions(positional[1], positional[2], positional[3], options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: texts DATA OUT COUNT MINCHARS | repeat DATA OUT TOKENIZER TOKENS | throughput MODEL DATA OUT IDS [--rounds N] | rss MODEL DATA OUT");
    return 2;
}

static Dictionary<string, string> Options(string[] rest)
{
    var o = new Dictionary<string, string>
    {
        ["max-length"] = "128", ["batch-size"] = "16", ["rounds"] = "3", ["threads"] = "0",
        ["hooks"] = "blocks.*.hook_resid_post", ["compression"] = "uncompressed", ["examples-per-part"] = "1024", ["positions"] = "all",
        ["positions-in-graph"] = "true", ["device"] = "cpu",
    };
    for (int i = 0; i + 1 < rest.Length; i += 2) o[rest[i][2..]] = rest[i + 1];
    return o;
}

// Joins consecutive input texts (cycling) into COUNT texts of at least MINCHARS characters each.
static int Texts(string data, string output, int count, int minChars)
{
    var lines = File.ReadLines(data).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToArray();
    using var w = new StreamWriter(output);
    int next = 0;
    for (int i = 0; i < count; i++)
    {
        var text = new StringBuilder();
        while (text.Length < minChars) text.Append(text.Length == 0 ? "" : " ").Append(lines[next++ % lines.Length]);
        w.WriteLine(JsonSerializer.Serialize(new { text = text.ToString(), id = i }));
    }
    return 0;
}

// Repeats DATA's lines verbatim until they hold TOKENS tokens (as the tokenizer counts them, special tokens included).
static int Repeat(string data, string output, string tokenizerPath, long tokens)
{
    var tokenizer = Tokenizer.Load(tokenizerPath);
    var lines = File.ReadAllLines(data);
    var counts = lines.Select(l => tokenizer.Encode(JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).Count).ToArray();
    using var w = new StreamWriter(output);
    long total = 0, rows = 0;
    for (int i = 0; total < tokens; i = (i + 1) % lines.Length, rows++)
    {
        w.WriteLine(lines[i]);
        total += counts[i];
    }
    Console.WriteLine(JsonSerializer.Serialize(new { kind = "data", file = output, rows, tokens = total }));
    return 0;
}

static ExtractionRequest Request(string modelDir, string data, string output, Dictionary<string, string> o) => new()
{
    Model = Path.Combine(modelDir, "model.onnx"),
    Tokenizer = modelDir,
    Data = data,
    Output = output,
    Hooks = [o["hooks"]],
    Positions = PositionModes.Parse(o["positions"]),
    PositionsInGraph = bool.Parse(o["positions-in-graph"]),
    MaxLength = int.Parse(o["max-length"]),
    BatchSize = int.Parse(o["batch-size"]),
    Device = Device.Parse(o["device"]),
    Threads = int.Parse(o["threads"]),
    ExamplesPerPart = int.Parse(o["examples-per-part"]),
    Overwrite = true,
    ForceCollections = true, // as the command line does: the peak-RSS measurement is of that configuration
    Compression = Enum.Parse<Analysis.Parquet.ParquetCompression>(o["compression"], ignoreCase: true),
};

// Interleaved rounds of (bare forward, extraction) on the same batches, so load on a shared machine hits both alike.
static int Throughput(string modelDir, string data, string output, string idsFile, Dictionary<string, string> o)
{
    var request = Request(modelDir, data, output, o);
    int rounds = int.Parse(o["rounds"]);
    var clock = Stopwatch.StartNew();
    var tokenizer = Tokenizer.Load(request.Tokenizer);
    var hooked = HookedModel.Prepare(request.Model, request.Hooks);
    using var session = InferenceSession.Open(hooked.Path, new SessionOptions { Device = request.Device, IntraOpThreads = request.Threads });
    var setup = clock.Elapsed.TotalSeconds;
    var inputs = new ModelInputs(session.Inputs);
    var names = hooked.Hooks.Select(h => hooked.OutputOf[h.Name]).ToList();
    long padId = tokenizer.PadId ?? tokenizer.EosId ?? 0;

    // The batches exactly as the extractor forms them: truncate, order by length (ties in input order), cut.
    var texts = File.ReadLines(data).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToArray();
    clock.Restart();
    var encoded = texts.Select(t => tokenizer.Encode(t, addSpecialTokens: true, request.MaxLength, Side.Right)).ToArray();
    var tokenize = clock.Elapsed.TotalSeconds;
    var order = Enumerable.Range(0, encoded.Length).OrderBy(i => encoded[i].Count).ThenBy(i => i).ToArray();
    var batches = order.Chunk(request.BatchSize).Select(b => b.Select(i => encoded[i].Ids).ToArray()).ToArray();
    long tokens = encoded.Sum(e => (long)e.Count);
    File.WriteAllLines(idsFile, batches.SelectMany(b => b).Select(ids => string.Join(' ', ids)));
    Emit(new { kind = "setup", setupSeconds = setup, tokenizeSeconds = tokenize, examples = texts.Length, tokens, batches = batches.Length,
        minLength = encoded.Min(e => e.Count), maxLength = encoded.Max(e => e.Count), threads = request.Threads });

    // Seconds per batch; batch 0 also pays first-touch costs, so the steady state is batches 1..n-1.
    double[] Forward(int count)
    {
        var seconds = new double[count];
        for (int i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var results = session.Run(inputs.Build(batches[i], batches[i].Max(r => r.Length), padId), names);
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return seconds;
    }

    Forward(1); // warm-up: first-run allocations and thread pool start
    for (int r = 0; r < rounds; r++)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var forward = Forward(batches.Length);
        var forwardCpu = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        // The extractor reports after every batch (then once more per part, after the file is complete): the gaps
        // between batch reports are the steady-state cost of a batch (forward + copy + Parquet encoding).
        var reports = new List<double>();
        var progress = new Recorder(p => reports.Add(p.Elapsed.TotalSeconds));
        cpu = Environment.CpuUsage.TotalTime;
        clock.Restart();
        var summary = ActivationExtractor.Run(request, progress);
        var extract = clock.Elapsed.TotalSeconds;
        var extractCpu = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        if (summary.Tokens != tokens || summary.Rows != tokens)
            throw new InvalidOperationException($"The extraction saw {summary.Tokens} tokens and wrote {summary.Rows} rows; the forward pass ran {tokens} tokens.");
        var batchReports = reports.Take(batches.Length).ToArray();
        // The same extraction with another codec (--also-compression), to price the default one.
        double? alsoSeconds = null, alsoSteadySeconds = null;
        if (o.TryGetValue("also-compression", out var codec))
        {
            Directory.Delete(output, recursive: true);
            reports.Clear();
            clock.Restart();
            ActivationExtractor.Run(request with { Compression = Enum.Parse<Analysis.Parquet.ParquetCompression>(codec, ignoreCase: true) }, progress);
            alsoSeconds = clock.Elapsed.TotalSeconds;
            alsoSteadySeconds = reports[batches.Length - 1] - reports[0];
        }
        Emit(new
        {
            kind = "round", round = r, forwardSeconds = forward.Sum(), extractSeconds = extract, forwardCpuSeconds = forwardCpu, extractCpuSeconds = extractCpu,
            forwardSteadySeconds = forward.Skip(1).Sum(), extractSteadySeconds = batchReports[^1] - batchReports[0],
            extractFirstBatchAt = batchReports[0], extractTailSeconds = extract - batchReports[^1],
            bytes = summary.Bytes, load = Load(), alsoCompression = o.GetValueOrDefault("also-compression"), alsoSeconds, alsoSteadySeconds,
        });
    }
    return 0;
}

// The same extraction with positions selected on the CPU (every hook's full output fetched) and in the graph (a gather
// per hook: only the selected rows fetched), alternating which goes first; plus the bare forward pass of each graph on
// the same batches (session.Run alone, with the inputs each needs). Checks that both write the same part files.
static int Positions(string modelDir, string data, string output, Dictionary<string, string> o)
{
    if (!o.ContainsKey("positions") || o["positions"] == "all") o["positions"] = "last";
    var request = Request(modelDir, data, output, o);
    int rounds = int.Parse(o["rounds"]);
    var tokenizer = Tokenizer.Load(request.Tokenizer);
    var texts = File.ReadLines(data).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToArray();
    var encoded = texts.Select(t => tokenizer.Encode(t, addSpecialTokens: true, request.MaxLength, Side.Right)).ToArray();
    var order = Enumerable.Range(0, encoded.Length).OrderBy(i => encoded[i].Count).ThenBy(i => i).ToArray();
    var batches = order.Chunk(request.BatchSize).Select(b => b.Select(i => encoded[i]).ToArray()).ToArray();
    long tokens = encoded.Sum(e => (long)e.Count);
    long padId = tokenizer.PadId ?? tokenizer.EosId ?? 0;

    // The first extraction pays JIT and first-touch costs, and builds the gathering graph unless it is cached: outside the rounds.
    var clock = Stopwatch.StartNew();
    var first = ActivationExtractor.Run(request with { Output = output + "-first" });
    Directory.Delete(output + "-first", recursive: true);
    Emit(new { kind = "positions-setup", positions = o["positions"], firstRunSeconds = clock.Elapsed.TotalSeconds, inGraph = first.PositionsInGraph,
        examples = texts.Length, tokens, batches = batches.Length, rows = first.Rows, threads = request.Threads });

    // The two graphs, for the bare forward passes.
    var hooked = HookedModel.Prepare(request.Model, request.Hooks);
    var options = new SessionOptions { Device = request.Device, IntraOpThreads = request.Threads };
    using var full = InferenceSession.Open(hooked.Path, options);
    var inputs = new ModelInputs(full.Inputs);
    var fullNames = hooked.Hooks.Select(h => hooked.OutputOf[h.Name]).Distinct().ToList();
    List<HookLayout> layouts;
    using (var probe = full.Run(inputs.Build([[1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7]], 7, padId), fullNames))
        layouts = hooked.Hooks.Select(h => HookLayout.Infer(h.Name, hooked.OutputOf[h.Name], probe[hooked.OutputOf[h.Name]].Shape, 2, 7, request.MaxLength)).ToList();
    var gather = PositionGatherModel.Prepare(hooked, layouts) ?? throw new InvalidOperationException("The model cannot gather positions in the graph.");
    using var gathering = InferenceSession.Open(gather.Path, options);
    var gatheredNames = gather.OutputOf.Values.Distinct().ToList();

    (double Seconds, long Bytes) Forward(bool inGraph)
    {
        double seconds = 0;
        long bytes = 0;
        for (int i = 0; i < batches.Length; i++)
        {
            var batch = batches[i];
            int length = batch.Max(e => e.Count);
            var start = Stopwatch.GetTimestamp();
            var feeds = inputs.Build(batch.Select(e => e.Ids).ToArray(), length, padId);
            if (inGraph)
            {
                var selected = batch.Select(e => PositionSelector.Select(request.Positions, e, null)).ToArray();
                int k = selected.Max(s => s.Length);
                var indices = new long[batch.Length * k];
                for (int b = 0; b < batch.Length; b++)
                    for (int j = 0; j < k; j++) indices[b * k + j] = selected[b][Math.Min(j, selected[b].Length - 1)];
                feeds[PositionGatherModel.IndicesInput] = Tensor.Create(indices, batch.Length, k);
            }
            using var results = (inGraph ? gathering : full).Run(feeds, inGraph ? gatheredNames : fullNames);
            foreach (var name in inGraph ? gatheredNames : fullNames) bytes += results[name].Bytes.Length;
            if (i > 0) seconds += Stopwatch.GetElapsedTime(start).TotalSeconds; // batch 0 pays first-touch costs
        }
        return (seconds, bytes);
    }

    string[]? referenceParts = null;
    for (int r = 0; r < rounds; r++)
    {
        foreach (var inGraph in r % 2 == 0 ? new[] { false, true } : [true, false])
        {
            var arm = inGraph ? "graph" : "cpu";
            var cpu = Environment.CpuUsage.TotalTime;
            var (forwardSeconds, forwardBytes) = Forward(inGraph);
            var forwardCpu = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            var reports = new List<double>();
            cpu = Environment.CpuUsage.TotalTime;
            clock.Restart();
            var summary = ActivationExtractor.Run(request with { PositionsInGraph = inGraph }, new Recorder(p => reports.Add(p.Elapsed.TotalSeconds)));
            var extract = clock.Elapsed.TotalSeconds;
            var extractCpu = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
            if (summary.PositionsInGraph != inGraph) throw new InvalidOperationException($"Asked for positions in the graph: {inGraph}; the extraction did {summary.PositionsInGraph}.");
            var parts = Analysis.Extraction.Dataset.DatasetDirectory.Open(output).ReadManifest()!.Parts.Select(p => p.Sha256).ToArray();
            referenceParts ??= parts;
            if (!parts.SequenceEqual(referenceParts)) throw new InvalidOperationException($"Round {r}, {arm}: the part files differ from the first run's.");
            var batchReports = reports.Take(batches.Length).ToArray();
            Emit(new
            {
                kind = "positions-round", round = r, arm, forwardSteadySeconds = forwardSeconds, forwardBytes, forwardCpuSeconds = forwardCpu,
                extractSeconds = extract, extractCpuSeconds = extractCpu, extractSteadySeconds = batchReports[^1] - batchReports[0],
                extractFirstBatchAt = batchReports[0], outputBytes = summary.OutputBytes, rows = summary.Rows, bytes = summary.Bytes,
                sameParts = true, load = Load(),
            });
        }
    }
    return 0;
}

// What an extraction does once before its first batch, step by step (wall and CPU seconds).
static int Setup(string modelDir, Dictionary<string, string> o)
{
    var model = Path.Combine(modelDir, "model.onnx");
    void Time(string step, Action action)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        action();
        Emit(new { kind = "setup-step", step, seconds = Stopwatch.GetElapsedTime(start).TotalSeconds, cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds });
    }
    Analysis.Onnx.OnnxModel? onnx = null;
    HookedModel? hooked = null;
    Time("sha256 of model.onnx", () => Analysis.Extraction.Dataset.DatasetDirectory.Sha256Of(model));
    Time("OnnxModel.Load", () => onnx = Analysis.Onnx.OnnxModel.Load(model));
    Time("HookDiscovery.Discover", () => Analysis.Onnx.HookDiscovery.Discover(onnx!));
    Time("HookedModel.Prepare (all of the above, cached graph)", () => hooked = HookedModel.Prepare(model, [o["hooks"]]));
    Time("Tokenizer.Load", () => Tokenizer.Load(modelDir));
    InferenceSession? session = null;
    Time("InferenceSession.Open", () => session = InferenceSession.Open(hooked!.Path, new SessionOptions { Device = Device.Cpu }));
    using var _ = session;

    // One batch of real activations, then the Parquet work of four such batches (what a part of 64 examples writes).
    int batch = int.Parse(o["batch-size"]), length = int.Parse(o["max-length"]);
    var names = hooked!.Hooks.Select(h => hooked.OutputOf[h.Name]).ToList();
    // Distinct token rows (activations of identical rows would compress unrealistically well).
    var rows = Enumerable.Range(0, batch).Select(b => Enumerable.Range(0, length).Select(i => (i * 7919 + b * 104729) % 50000).ToArray()).ToArray();
    RunResults? results = null;
    Time($"session.Run {batch}x{length}", () => results = session!.Run(new ModelInputs(session.Inputs).Build(rows, length, 0), names));
    var vectors = names.Select(n => results![n].ToArray<float>()).ToArray();
    results!.Dispose();
    var dimension = vectors[0].Length / (batch * length);
    foreach (var compression in new[] { Analysis.Parquet.ParquetCompression.Snappy, Analysis.Parquet.ParquetCompression.Snappy, Analysis.Parquet.ParquetCompression.Uncompressed, Analysis.Parquet.ParquetCompression.Zstd })
    {
        var file = Path.Combine(Path.GetTempPath(), $"bench-write-{Environment.ProcessId}.parquet");
        Time($"Parquet write 4 batches, {compression}", () =>
        {
            var fields = names.Select(n => Analysis.Parquet.ParquetField.FloatVector(n, dimension)).ToList();
            using var w = Analysis.Parquet.ParquetWriter.Create(file, fields, new Analysis.Parquet.ParquetWriterOptions { Compression = compression });
            for (int b = 0; b < 4; b++)
            {
                for (int h = 0; h < names.Count; h++) w.WriteFloatVectors(names[h], vectors[h]);
                w.EndBatch();
            }
            w.Finish();
        });
        Time($"sha256 of that part ({new FileInfo(file).Length >> 20} MiB)", () => Analysis.Extraction.Dataset.DatasetDirectory.Sha256Of(file));
        File.Delete(file);
    }
    return 0;
}

// One extraction in a fresh process; the peak resident set afterwards is the run's.
static int Rss(string modelDir, string data, string output, Dictionary<string, string> o)
{
    if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    var clock = Stopwatch.StartNew();
    // After each part (a report whose bytes written changed): the peak so far, to see whether it creeps or jumps.
    var trace = new List<long[]>();
    long lastBytes = 0;
    var summary = ActivationExtractor.Run(Request(modelDir, data, output, o), new Recorder(p =>
    {
        if (p.BytesWritten == lastBytes) return;
        lastBytes = p.BytesWritten;
        trace.Add([p.Tokens, Kb("VmHWM:") >> 10, Kb("VmRSS:") >> 10]);
    }));
    var status = File.ReadAllLines("/proc/self/status");
    Emit(new { kind = "rss", tokens = summary.Tokens, rows = summary.Rows, bytes = summary.Bytes, seconds = clock.Elapsed.TotalSeconds,
        peakRssKb = Kb("VmHWM:"), rssKb = Kb("VmRSS:"), load = Load(), model = Path.GetFileName(Path.TrimEndingDirectorySeparator(modelDir)), examplesPerPart = int.Parse(o["examples-per-part"]), positions = o["positions"], inGraph = summary.PositionsInGraph, outputBytes = summary.OutputBytes,
        gcHeapMb = GC.GetGCMemoryInfo().HeapSizeBytes >> 20, gcCommittedMb = GC.GetGCMemoryInfo().TotalCommittedBytes >> 20,
        gcPeakCommittedMb = GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes >> 20, gen2 = GC.CollectionCount(2),
        allocatedMb = GC.GetTotalAllocatedBytes() >> 20, tokensPeakRssMbRssMbAfterEachPart = trace });
    return 0;
}

static long Kb(string key) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

static double Load() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

static void Emit(object o) => Console.WriteLine(JsonSerializer.Serialize(o));

/// <summary>Handles every progress report synchronously, on the extracting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
sealed class Recorder(Action<ExtractionProgress> record) : IProgress<ExtractionProgress>
{
    public void Report(ExtractionProgress value) => record(value);
}
