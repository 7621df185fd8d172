using Analysis.Extraction;
using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Attention;

/// <summary>
/// Attention structure on any ONNX model: per layer and head, the mass on the sink, the previous token and the token
/// itself, the entropy, and how often the head is dormant. Computed inside ONNX Runtime from the Softmax outputs
/// (<see cref="AttentionGraph"/>), so what leaves it per example is [layers, heads, 4] numbers, never a [T × T] pattern.
/// </summary>
public sealed class AttentionStatistics : IDisposable
{
    private readonly AttentionGraph graph;
    private readonly InferenceSession session;
    private readonly ModelInputs inputs;
    private readonly Tokenizer tokenizer;
    private readonly AttentionOptions options;
    private readonly long padId;

    private AttentionStatistics(AttentionOptions options, AttentionGraph graph, InferenceSession session, Tokenizer tokenizer)
    {
        this.options = options;
        this.graph = graph;
        this.session = session;
        this.tokenizer = tokenizer;
        padId = tokenizer.PadId ?? tokenizer.EosId ?? 0;
        string[] own = [AttentionStatisticsHead.SelfIndex, AttentionStatisticsHead.PreviousIndex, AttentionStatisticsHead.Weights];
        inputs = new ModelInputs(session.Inputs.Where(i => !own.Contains(i.Name)).ToList());
    }

    /// <summary>The pattern hooks read, in model order.</summary>
    public IReadOnlyList<string> Hooks => graph.Layers.Select(l => l.Hook).ToList();

    /// <summary>Pattern hooks the model lacks, with the reason (e.g. fused attention).</summary>
    public IReadOnlyList<AttentionUnavailable> Unavailable => graph.Unavailable.Select(u => new AttentionUnavailable(u.Name, u.Reason)).ToList();

    /// <summary>A note when the device was not the one asked for, else null.</summary>
    public string? DeviceNote => session.DeviceNote;

    /// <summary>For an Optimum merged decoder, the If branch that runs; else null.</summary>
    public string? BranchNote => graph.BranchNote;

    /// <summary>Builds (or finds in the cache) the statistics graph and opens it. Bad input throws <see cref="BadInputException"/>.</summary>
    public static AttentionStatistics Open(AttentionOptions options)
    {
        if (options.DormantThreshold is <= 0 or > 1 || double.IsNaN(options.DormantThreshold))
            throw new BadInputException($"--dormant-threshold must be in (0, 1], not {options.DormantThreshold}.");
        if (options.MaxLength < 1) throw new BadInputException($"--max-length must be at least 1, not {options.MaxLength}.");
        if (options.BatchSize < 1) throw new BadInputException($"--batch-size must be at least 1, not {options.BatchSize}.");
        Tokenizer tokenizer;
        try { tokenizer = Tokenizer.Load(options.Tokenizer); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new BadInputException(e.Message, e);
        }
        var graph = AttentionGraph.Prepare(options.Model, options.Hooks, options.HookMap);
        // The statistics reduce one layer's [heads × T × T] intermediates at a time (AttentionGraph orders them before the
        // model reads the pattern again); returning each buffer as soon as it is dead, with no arena or memory pattern,
        // keeps the peak below the bare forward pass's (docs/lens-attention.md, "Memory").
        var session = InferenceSession.Open(graph.Path, new SessionOptions { Device = options.Device, IntraOpThreads = options.Threads, ReuseCpuMemory = false });
        try { return new AttentionStatistics(options, graph, session, tokenizer); }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Summarizes the heads over <paramref name="texts"/>. <paramref name="perExample"/>, when given, receives each example's
    /// [layer][head] means (sink, previous, self, entropy), for tests and for users who want per-example data.
    /// </summary>
    public AttentionResult Analyze(IEnumerable<(long Id, string Text)> texts, Action<long, double[,,]>? perExample = null, Action<long>? examplesDone = null)
    {
        var layers = graph.Layers.Count;
        var sums = new double[layers][,];
        var dormant = new long[layers][];
        long examples = 0, counted = 0, queries = 0;
        var viewerIds = new List<(long Id, int[] Ids)>();
        var batch = new List<(long Id, int[] Ids)>(options.BatchSize);
        foreach (var (id, text) in texts)
        {
            var ids = tokenizer.Encode(text, addSpecialTokens: true, options.MaxLength, Side.Right).Ids.ToArray();
            if (viewerIds.Count < options.ViewerExamples && ids.Length >= 2) viewerIds.Add((id, ids[..Math.Min(ids.Length, options.ViewerTokens)]));
            batch.Add((id, ids));
            if (batch.Count == options.BatchSize) Flush();
        }
        Flush();
        var viewer = Patterns(viewerIds);

        var heads = new List<AttentionHead>();
        for (var l = 0; l < layers; l++)
        {
            if (sums[l] is null) continue;
            for (var h = 0; h < sums[l].GetLength(0); h++)
            {
                double Mean(int s) => queries > 0 ? sums[l][h, s] / queries : double.NaN;
                double sink = Mean(AttentionStatisticsHead.Sink), previous = Mean(AttentionStatisticsHead.Previous), self = Mean(AttentionStatisticsHead.Self);
                var share = counted > 0 ? (double)dormant[l][h] / counted : double.NaN;
                heads.Add(new AttentionHead(graph.Layers[l].Layer, h, graph.Layers[l].Hook, sink, previous, self, 1 - sink - previous - self,
                    Mean(AttentionStatisticsHead.Entropy), share, share > 0.5 ? "dormant" : "active"));
            }
        }
        return new AttentionResult(heads, counted, queries, options.DormantThreshold, Unavailable, viewer);

        void Flush()
        {
            var rows = batch.Where(r => r.Ids.Length >= 2).ToList();
            examples += batch.Count;
            batch.Clear();
            if (rows.Count > 0) Run(rows);
            examplesDone?.Invoke(examples);
        }

        void Run(List<(long Id, int[] Ids)> rows)
        {
            var length = rows.Max(r => r.Ids.Length);
            var feeds = Feeds(rows.Select(r => r.Ids).ToList(), length);
            using var results = session.Run(feeds, graph.Layers.Select(l => l.Sums).ToList());
            var maxHeads = graph.Layers.Max(l => (int)results[l.Sums].Shape[1]);
            var means = rows.Select(_ => new double[layers, maxHeads, AttentionStatisticsHead.Count]).ToArray();
            for (var l = 0; l < layers; l++)
            {
                var output = results[graph.Layers[l].Sums];
                var values = output.AsSpan<float>();
                var headCount = (int)output.Shape[1];
                sums[l] ??= new double[headCount, AttentionStatisticsHead.Count];
                dormant[l] ??= new long[headCount];
                for (var b = 0; b < rows.Count; b++)
                {
                    var n = rows[b].Ids.Length - 1; // queries after the first token
                    for (var h = 0; h < headCount; h++)
                    {
                        for (var s = 0; s < AttentionStatisticsHead.Count; s++)
                        {
                            var v = values[(b * headCount + h) * AttentionStatisticsHead.Count + s];
                            sums[l][h, s] += v;
                            means[b][l, h, s] = v / n;
                        }
                        if (means[b][l, h, AttentionStatisticsHead.Sink] > options.DormantThreshold) dormant[l][h]++;
                    }
                }
            }
            for (var b = 0; b < rows.Count; b++)
            {
                queries += rows[b].Ids.Length - 1;
                counted++;
                perExample?.Invoke(rows[b].Id, means[b]);
            }
        }
    }

    /// <summary>Summarizes plain texts.</summary>
    public AttentionResult Analyze(IEnumerable<string> texts) => Analyze(texts.Select((t, i) => ((long)i, t)));

    // The model inputs plus the head's: query indices and, per example, which queries count (1 … n−1; previous: 2 … n−1).
    private Dictionary<string, Tensor> Feeds(IReadOnlyList<int[]> rows, int length)
    {
        var feeds = inputs.Build(rows, length, padId);
        var self = new long[length];
        var previous = new long[length];
        for (var t = 0; t < length; t++)
        {
            self[t] = t;
            previous[t] = Math.Max(t - 1, 0);
        }
        const int stats = AttentionStatisticsHead.Count;
        var weights = new float[rows.Count * length * stats];
        for (var b = 0; b < rows.Count; b++)
            for (var t = 1; t < rows[b].Length; t++)
            {
                var at = (b * length + t) * stats;
                weights[at + AttentionStatisticsHead.Sink] = 1;
                weights[at + AttentionStatisticsHead.Previous] = t >= 2 ? 1 : 0;
                weights[at + AttentionStatisticsHead.Self] = 1;
                weights[at + AttentionStatisticsHead.Entropy] = 1;
            }
        feeds[AttentionStatisticsHead.SelfIndex] = Tensor.Create(self, 1, 1, length, 1);
        feeds[AttentionStatisticsHead.PreviousIndex] = Tensor.Create(previous, 1, 1, length, 1);
        feeds[AttentionStatisticsHead.Weights] = Tensor.Create(weights, rows.Count, 1, length, stats);
        return feeds;
    }

    // The viewer's few short examples, each alone, through the hooked model that exposes the patterns (the extraction's
    // cached graph): a second session, opened only for them, so the statistics graph never holds a pattern past its use.
    private List<AttentionPatternExample> Patterns(List<(long Id, int[] Ids)> examples)
    {
        if (examples.Count == 0) return [];
        var hooked = HookedModel.Prepare(options.Model, graph.Layers.Select(l => l.Hook).ToList(), options.HookMap);
        using var viewer = InferenceSession.Open(hooked.Path, new SessionOptions { Device = options.Device, IntraOpThreads = options.Threads });
        var viewerInputs = new ModelInputs(viewer.Inputs);
        var patterns = new List<AttentionPatternExample>();
        foreach (var (id, ids) in examples)
        {
            using var results = viewer.Run(viewerInputs.Build([ids], ids.Length, padId), graph.Layers.Select(l => hooked.OutputOf[l.Hook]).Distinct().ToList());
            var layers = new List<AttentionPatternLayer>();
            var t = ids.Length;
            foreach (var layer in graph.Layers)
            {
                var output = results[hooked.OutputOf[layer.Hook]];
                var values = output.AsSpan<float>();
                var heads = (int)output.Shape[1];
                var matrix = new float[heads][][];
                for (var h = 0; h < heads; h++)
                {
                    matrix[h] = new float[t][];
                    for (var q = 0; q < t; q++)
                    {
                        matrix[h][q] = new float[t];
                        for (var k = 0; k < t; k++) matrix[h][q][k] = MathF.Round(values[(h * t + q) * t + k], 4);
                    }
                }
                layers.Add(new AttentionPatternLayer(layer.Hook, matrix));
            }
            patterns.Add(new AttentionPatternExample(id, ids.Select(i => tokenizer.IdToToken(i) ?? "").ToList(), layers));
        }
        return patterns;
    }

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();
}
