using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>
/// `analysis sae train`: every SAE of the request (hooks × widths × k) trained in one pass over a shuffled stream of the
/// dataset, each batch read once and fed to all of them. Inputs are scaled per hook so that their mean squared norm is
/// d_in (the scale is folded into the saved weights). Writes one SAE folder each, metrics.jsonl, results.json; with
/// checkpoints, the same command resumes a killed run and ends with the same weights as an uninterrupted one.
/// </summary>
public static class SaeTraining
{
    /// <summary>The run's settings file; its presence marks the folder as ours.</summary>
    public const string SettingsFile = "_sae_train.json";

    /// <summary>Live metrics, one JSON object per SAE per logging step.</summary>
    public const string MetricsFile = "metrics.jsonl";

    private const int SampleRows = 32_768;

    /// <summary>Trains (or resumes, or returns a finished run's results); reports progress after every logging window.</summary>
    public static IReadOnlyList<SaeSummary> Run(SaeTrainingRequest request, Action<SaeProgress>? progress = null)
    {
        var r = request;
        if (r.Hooks.Count == 0) throw new BadInputException("Name at least one --hook to train on.");
        if (r.Latents.Count == 0 || r.Latents.Any(l => l <= 0)) throw new BadInputException("--latents must be positive.");
        if (r.BatchSize <= 0) throw new BadInputException($"--batch-size must be positive, not {r.BatchSize}.");
        if (r.Tokens < r.BatchSize) throw new BadInputException($"--tokens {r.Tokens} is less than one batch ({r.BatchSize}); raise --tokens or lower --batch-size.");
        if (!(r.LearningRate > 0)) throw new BadInputException($"--lr must be positive, not {r.LearningRate}.");
        if (r.MetricsEvery <= 0 || r.CheckpointEvery < 0) throw new BadInputException("--metrics-every must be positive and --checkpoint-every ≥ 0.");
        var steps = r.Tokens / r.BatchSize;
        var (device, engine) = SaeEngines.Resolve(r.Device, r.Engine);
        var dead = r.DeadTokens ?? Math.Min(10_000_000, Math.Max(r.BatchSize, r.Tokens / 10));

        using var stream = new ActivationStream(r.Data, r.Hooks, r.BatchSize, r.Seed, r.ShuffleBufferBytes);
        var ks = r.Architecture == SaeArchitecture.Relu ? [0] : r.K.Distinct().ToArray();
        var plan = (from h in Enumerable.Range(0, r.Hooks.Count) from m in r.Latents.Distinct() from k in ks
                    select (Hook: h, Spec: new SaeSpec
                    {
                        Architecture = r.Architecture, DIn = stream.Widths[h], DSae = m, K = k == 0 ? 1 : k,
                        L1Coefficient = r.L1, DeadTokens = dead,
                    })).ToArray();
        foreach (var (_, spec) in plan) spec.Validate();
        var sweep = plan.Length > 1;
        var names = plan.Select(p => sweep ? Name(r.Hooks[p.Hook], p.Spec) : "").ToArray();

        var fingerprint = Fingerprint(r, steps, dead);
        if (engine != SaeEngine.Simd) fingerprint["engine"] = engine.Name(); // the engines agree to float32 rounding, not bit for bit
        var settingsPath = Path.Combine(r.Output, SettingsFile);
        var finished = CheckOutput(r.Output, settingsPath, fingerprint);
        if (finished is not null) return finished;

        var created = !Directory.Exists(r.Output);
        try
        {
            Directory.CreateDirectory(r.Output);
            File.WriteAllText(settingsPath, fingerprint.ToJsonString());
            return Train(r, stream, plan, names, steps, device, engine, progress);
        }
        catch (Exception e) when (created && e is BadInputException or Analysis.Runtime.DeviceUnavailableException)
        {
            // Bad data found mid-stream (NaN rows), or a GPU that cannot be used: leave nothing behind that looks like a run.
            Directory.Delete(r.Output, true);
            throw;
        }
    }

    private static IReadOnlyList<SaeSummary> Train(SaeTrainingRequest r, ActivationStream stream, (int Hook, SaeSpec Spec)[] plan, string[] names, long steps, Analysis.Runtime.Device device, SaeEngine engine, Action<SaeProgress>? progress)
    {
        var hooks = r.Hooks.Count;
        var trainers = new SaeTrainer[plan.Length];
        var scales = new double[hooks];
        var centres = new float[hooks][];
        // Shapes first (zero weights), then either the checkpoint or the sample-based start fills them.
        for (var i = 0; i < plan.Length; i++)
        {
            var s = plan[i].Spec;
            trainers[i] = new SaeTrainer(s, new SaeWeights(s.DIn, s.DSae, new float[(long)s.DIn * s.DSae], new float[s.DSae], new float[(long)s.DIn * s.DSae], new float[s.DIn]));
        }
        var state = SaeCheckpoint.TryRead(r.Output, trainers);
        long start = 0;
        var trainSeconds = 0.0;
        if (state is not null) { start = state.Step; scales = state.Scales; trainSeconds = state.TrainSeconds; }
        else
        {
            (scales, centres) = Sample(r);
            for (var i = 0; i < plan.Length; i++)
            {
                var s = plan[i].Spec;
                var init = SaeWeights.Initial(s.DIn, s.DSae, centres[plan[i].Hook], r.Seed * 1_000_003UL + (ulong)i);
                trainers[i] = new SaeTrainer(s, init);
            }
        }
        var engines = new ISaeStepEngine[plan.Length];
        try
        {
            for (var i = 0; i < plan.Length; i++)
                engines[i] = engine == SaeEngine.Onnx ? new OnnxStepEngine(trainers[i], device) : new SimdStepEngine(trainers[i]);
            return Train(r, stream, plan, names, steps, trainers, engines, start, scales, trainSeconds, $"{engine.Name()} on {device}", progress);
        }
        finally
        {
            foreach (var e in engines) e?.Dispose();
        }
    }

    private static IReadOnlyList<SaeSummary> Train(SaeTrainingRequest r, ActivationStream stream, (int Hook, SaeSpec Spec)[] plan, string[] names, long steps,
        SaeTrainer[] trainers, ISaeStepEngine[] engines, long start, double[] scales, double trainSeconds, string ranOn, Action<SaeProgress>? progress)
    {
        var hooks = r.Hooks.Count;
        var metricsPath = Path.Combine(r.Output, MetricsFile);
        var history = TruncateMetrics(metricsPath, start);
        var schedule = new LearningRateSchedule(r.LearningRate, steps, r.WarmupSteps ?? (int)Math.Min(1000, steps / 20), r.DecaySteps ?? (int)(steps / 5));

        var batch = new float[(long)r.BatchSize * stream.RowWidth];
        var inputs = Enumerable.Range(0, hooks).Select(h => new float[(long)r.BatchSize * stream.Widths[h]]).ToArray();
        // Resume: replay the data order up to the checkpoint (reading is cheap next to training).
        for (long s = 0; s < start; s++) stream.Next(batch, r.BatchSize);

        var window = new Window[plan.Length];
        for (var i = 0; i < plan.Length; i++) window[i] = new Window();
        var latest = new SaeMetrics[plan.Length];
        var clock = Stopwatch.StartNew();
        var windowClock = Stopwatch.StartNew();
        long windowSteps = 0;
        using (var log = new StreamWriter(metricsPath, append: true))
        {
            for (var s = start; s < steps; s++)
            {
                stream.Next(batch, r.BatchSize);
                for (var h = 0; h < hooks; h++) Slice(batch, r.BatchSize, stream.RowWidth, stream.Offsets[h], stream.Widths[h], (float)scales[h], inputs[h]);
                var lr = schedule.At(s);
                for (var i = 0; i < plan.Length; i++) window[i].Add(engines[i].Step(inputs[plan[i].Hook], r.BatchSize, lr));
                windowSteps++;
                var done = s + 1;
                if (done % r.MetricsEvery == 0 || done == steps)
                {
                    var rate = windowSteps * r.BatchSize / Math.Max(1e-9, windowClock.Elapsed.TotalSeconds);
                    for (var i = 0; i < plan.Length; i++)
                    {
                        latest[i] = window[i].Flush(names[i], done, done * r.BatchSize, engines[i].DeadFraction, lr, rate);
                        log.WriteLine(JsonSerializer.Serialize(latest[i]));
                        history.Add(latest[i]);
                    }
                    log.Flush();
                    windowSteps = 0; windowClock.Restart();
                    progress?.Invoke(new SaeProgress(done, steps, done * r.BatchSize, rate, latest));
                }
                if (r.CheckpointEvery > 0 && done % r.CheckpointEvery == 0 && done < steps)
                {
                    log.Flush();
                    foreach (var e in engines) e.Download();
                    SaeCheckpoint.Write(r.Output, new SaeCheckpoint.State(done, scales, trainSeconds + clock.Elapsed.TotalSeconds), trainers);
                }
            }
        }
        foreach (var e in engines) e.Download();
        var tokens = steps * r.BatchSize;
        var context = ContextOf(r.Data);
        var summaries = new List<SaeSummary>();
        for (var i = 0; i < plan.Length; i++)
        {
            var (h, spec) = plan[i];
            var folder = names[i] == "" ? r.Output : Path.Combine(r.Output, names[i]);
            var info = new SaeInfo
            {
                HookName = r.Hooks[h], ModelName = context.Model, DatasetPath = Path.GetFullPath(r.Data), ContextSize = context.Length,
                ActivationScale = scales[h], TrainingTokens = tokens,
            };
            Sae.FromTraining(spec, trainers[i].Weights, info).Save(folder);
            var last = latest[i];
            summaries.Add(new SaeSummary
            {
                Name = names[i], Folder = Path.GetFullPath(folder), Hook = r.Hooks[h], Architecture = spec.Architecture.Name(),
                DSae = spec.DSae, K = spec.Architecture == SaeArchitecture.Relu ? 0 : spec.K,
                Fvu = last?.Fvu ?? double.NaN, L0 = last?.L0 ?? double.NaN, Mse = last?.Mse ?? double.NaN,
                DeadFraction = trainers[i].DeadFraction, Tokens = tokens, TokensPerSecond = (tokens - start * r.BatchSize) / Math.Max(1e-9, clock.Elapsed.TotalSeconds),
                ActivationScale = scales[h], Engine = ranOn,
            });
        }
        var curves = plan.Select((_, i) =>
        {
            var points = history.Where(m => m.Sae == names[i]).ToArray();
            return new SaeCurve(names[i] == "" ? r.Hooks[plan[i].Hook] : names[i], points.Select(p => p.Tokens).ToArray(),
                points.Select(p => p.Fvu).ToArray(), points.Select(p => p.L0).ToArray(), points.Select(p => p.DeadFraction).ToArray());
        }).ToArray();
        ResultsFile.Save(r.Output, r.Metadata, ("saes", summaries), ("saeCurves", curves));
        var settingsPath = Path.Combine(r.Output, SettingsFile);
        var settings = JsonNode.Parse(File.ReadAllText(settingsPath))!.AsObject();
        settings["complete"] = true;
        File.WriteAllText(settingsPath + ".tmp", settings.ToJsonString());
        File.Move(settingsPath + ".tmp", settingsPath, overwrite: true);
        SaeCheckpoint.Delete(r.Output);
        return summaries;
    }

    // Per hook: the scale that makes the sample's mean squared norm d_in, and b_dec's start (mean or geometric median).
    private static (double[] Scales, float[][] Centres) Sample(SaeTrainingRequest r)
    {
        using var sample = new ActivationStream(r.Data, r.Hooks, r.BatchSize, r.Seed ^ 0xC0FFEEUL, r.ShuffleBufferBytes);
        var rows = (int)Math.Min(sample.Rows, SampleRows);
        var data = new float[(long)rows * sample.RowWidth];
        sample.Next(data, rows);
        var scales = new double[r.Hooks.Count];
        var centres = new float[r.Hooks.Count][];
        for (var h = 0; h < r.Hooks.Count; h++)
        {
            var d = sample.Widths[h];
            var x = new float[(long)rows * d];
            Slice(data, rows, sample.RowWidth, sample.Offsets[h], d, 1f, x);
            var meanSq = 0.0;
            for (var i = 0; i < rows; i++) { var row = x.AsSpan(i * d, d); meanSq += System.Numerics.Tensors.TensorPrimitives.Dot(row, row); }
            meanSq /= rows;
            scales[h] = meanSq > 0 ? Math.Sqrt(d / meanSq) : 1;
            System.Numerics.Tensors.TensorPrimitives.Multiply(x, (float)scales[h], x);
            centres[h] = r.GeometricMedian ? GeometricMedian.Of(x, rows, d) : Mean(x, rows, d);
        }
        return (scales, centres);
    }

    private static float[] Mean(float[] x, int rows, int d)
    {
        var sum = new double[d];
        for (var i = 0; i < rows; i++) for (var t = 0; t < d; t++) sum[t] += x[i * d + t];
        return sum.Select(v => (float)(v / rows)).ToArray();
    }

    private static void Slice(float[] batch, int rows, int rowWidth, int offset, int width, float scale, float[] into)
    {
        for (var i = 0; i < rows; i++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(batch.AsSpan(i * rowWidth + offset, width), scale, into.AsSpan(i * width, width));
    }

    private static string Name(string hook, SaeSpec s) =>
        s.Architecture == SaeArchitecture.Relu ? $"{hook}.relu.m{s.DSae}" : $"{hook}.{s.Architecture.Name()}.m{s.DSae}.k{s.K}";

    private static JsonObject Fingerprint(SaeTrainingRequest r, long steps, long dead) => new()
    {
        ["data"] = Path.GetFullPath(r.Data),
        ["hooks"] = new JsonArray(r.Hooks.Select(h => (JsonNode)h).ToArray()),
        ["architecture"] = r.Architecture.Name(),
        ["latents"] = new JsonArray(r.Latents.Select(l => (JsonNode)l).ToArray()),
        ["k"] = new JsonArray(r.K.Select(k => (JsonNode)k).ToArray()),
        ["l1"] = r.L1,
        ["tokens"] = r.Tokens, ["batch_size"] = r.BatchSize, ["steps"] = steps, ["lr"] = r.LearningRate,
        ["warmup_steps"] = r.WarmupSteps, ["decay_steps"] = r.DecaySteps, ["seed"] = r.Seed, ["dead_tokens"] = dead,
        ["geometric_median"] = r.GeometricMedian, ["metrics_every"] = r.MetricsEvery, ["shuffle_buffer_bytes"] = r.ShuffleBufferBytes,
    };

    // A fresh or empty folder: go. Our settings: resume, or return the finished results. Anything else: refuse.
    private static IReadOnlyList<SaeSummary>? CheckOutput(string output, string settingsPath, JsonObject fingerprint)
    {
        if (File.Exists(output)) throw new BadInputException($"--out {output} is a file; pass a folder for the SAE.");
        if (!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any()) return null;
        if (!File.Exists(settingsPath))
            throw new BadInputException(Sae.Exists(output)
                ? $"{output} already holds another SAE; choose a new --out folder or delete that one."
                : $"{output} is not empty and was not written by 'analysis sae train'; choose a new --out folder.");
        var existing = JsonNode.Parse(File.ReadAllText(settingsPath))!.AsObject();
        var complete = existing.Remove("complete");
        if (!JsonNode.DeepEquals(existing, fingerprint))
            throw new BadInputException($"{output} already holds another SAE run with different settings; choose a new --out folder or delete that one.");
        if (!complete) return null;
        return ResultsFile.TryLoad(output)?.Get<List<SaeSummary>>("saes")
            ?? throw new BadInputException($"{output} is marked finished but has no results.json; delete the folder and train again.");
    }

    private static List<SaeMetrics> TruncateMetrics(string path, long step)
    {
        var kept = new List<SaeMetrics>();
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
                if (line.Length > 0 && JsonSerializer.Deserialize<SaeMetrics>(line) is { } m && m.Step <= step) kept.Add(m);
        File.WriteAllLines(path + ".tmp", kept.Select(m => JsonSerializer.Serialize(m)));
        File.Move(path + ".tmp", path, overwrite: true);
        return kept;
    }

    private static (string Model, int Length) ContextOf(string data)
    {
        var manifest = Path.Combine(data, "_manifest.json");
        if (!File.Exists(manifest)) return ("", 0);
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(manifest));
            return ((string?)node?["settings"]?["model_file"] is { } f ? Path.GetFileName(Path.GetDirectoryName(f) ?? "") is { Length: > 0 } dir ? dir : f : "",
                (int?)node?["settings"]?["max_length"] ?? 0);
        }
        catch (JsonException) { return ("", 0); }
    }

    /// <summary>Sums of one SAE's loss terms since the last log line.</summary>
    private sealed class Window
    {
        private double _loss, _mse, _fvu, _l0, _aux;
        private int _n;

        public void Add(SaeStepLoss g) { _loss += g.Loss; _mse += g.Mse; _fvu += g.Fvu; _l0 += g.L0; _aux += g.AuxK; _n++; }

        public SaeMetrics Flush(string name, long step, long tokens, double dead, double lr, double rate)
        {
            var n = Math.Max(1, _n);
            var m = new SaeMetrics
            {
                Sae = name, Step = step, Tokens = tokens, Loss = _loss / n, Mse = _mse / n, Fvu = _fvu / n, L0 = _l0 / n,
                AuxK = _aux / n, DeadFraction = dead, LearningRate = lr, TokensPerSecond = rate,
            };
            _loss = _mse = _fvu = _l0 = _aux = 0; _n = 0;
            return m;
        }
    }
}
