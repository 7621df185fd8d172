using Analysis.Extraction;
using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Lens;

/// <summary>
/// The logit lens on any ONNX language model: the model's own finish (final norm, then unembedding) applied to each
/// chosen layer's residual stream, inside one ONNX Runtime session with the model (<see cref="LensGraph"/>). Give it
/// texts; it returns per-layer summaries and, if asked, every token's statistics at every layer.
/// </summary>
public sealed class LogitLens : IDisposable
{
    private readonly LensGraph graph;
    private readonly InferenceSession session;
    private readonly ModelInputs inputs;
    private readonly Tokenizer tokenizer;
    private readonly LensOptions options;
    private readonly float[] setMatrix;
    private readonly int setColumns;
    private readonly int vocab;
    private readonly long padId;
    private readonly List<string> outputNames;

    private LogitLens(LensOptions options, LensGraph graph, InferenceSession session, Tokenizer tokenizer, TokenSets sets, int vocab)
    {
        this.options = options;
        this.graph = graph;
        this.session = session;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        Sets = sets;
        setMatrix = sets.Matrix(vocab, out setColumns);
        padId = tokenizer.PadId ?? tokenizer.EosId ?? 0;
        string[] own = [LensStatisticsHead.NextIds, LensStatisticsHead.SetMatrix, LensStatisticsHead.TopK];
        inputs = new ModelInputs(session.Inputs.Where(i => !own.Contains(i.Name)).ToList());
        outputNames = graph.Layers.SelectMany(l => l.Outputs.Values).ToList();
    }

    /// <summary>The hooks the lens reads, in model order; the last is the finish's own input.</summary>
    public IReadOnlyList<string> Hooks => graph.Layers.Select(l => l.Hook).ToList();

    /// <summary>How many most likely tokens each row keeps (the option, at most the vocabulary).</summary>
    public int TopK => Math.Min(options.TopK, vocab);

    /// <summary>The token sets whose mass is measured.</summary>
    public TokenSets Sets { get; }

    /// <summary>Where the finish starts and what it reproduces, e.g. "blocks.4.hook_resid_post → logits".</summary>
    public string Finish => $"{graph.Finish.ResidualHook} → {graph.Finish.Logits}";

    /// <summary>The device the session runs on, and a note when auto fell back to the CPU.</summary>
    public string Device => session.Device.ToString();

    /// <summary>A note when the device was not the one asked for, else null.</summary>
    public string? DeviceNote => session.DeviceNote;

    /// <summary>For an Optimum merged decoder, the If branch the lens runs; else null.</summary>
    public string? BranchNote => graph.BranchNote;

    /// <summary>Builds (or finds in the cache) the lens graph and opens it. Bad input throws <see cref="BadInputException"/>.</summary>
    public static LogitLens Open(LensOptions options)
    {
        if (options.TopK < 1) throw new BadInputException($"--top-k must be at least 1, not {options.TopK}.");
        if (options.MaxLength < 1) throw new BadInputException($"--max-length must be at least 1, not {options.MaxLength}.");
        if (options.BatchSize < 1) throw new BadInputException($"--batch-size must be at least 1, not {options.BatchSize}.");
        Tokenizer tokenizer;
        try { tokenizer = Tokenizer.Load(options.Tokenizer); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new BadInputException(e.Message, e);
        }
        var graph = LensGraph.Prepare(options.Model, options.Hooks, options.HookMap);
        var vocab = (int)(graph.Vocab ?? tokenizer.VocabSize);
        if (tokenizer.VocabSize > vocab)
            throw new BadInputException($"The tokenizer '{options.Tokenizer}' has {tokenizer.VocabSize} tokens but the model's logits have {vocab}; use the tokenizer the model was trained with.");
        var sets = options.TokenSets is null ? TokenSets.None : TokenSets.Load(options.TokenSets, tokenizer, vocab);
        var session = InferenceSession.Open(graph.Path, new SessionOptions { Device = options.Device, IntraOpThreads = options.Threads });
        try { return new LogitLens(options, graph, session, tokenizer, sets, vocab); }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the lens over <paramref name="texts"/> (ids are the caller's, passed through to rows).</summary>
    public LensResult Analyze(IEnumerable<(long Id, string Text)> texts, Action<LensTokenRow>? perToken = null, Action<long>? examplesDone = null) =>
        AnalyzeTokens(texts.Select(t => (t.Id, tokenizer.Encode(t.Text, addSpecialTokens: true, options.MaxLength, Side.Right).Ids.ToArray())), perToken, examplesDone);

    /// <summary>Runs the lens over token sequences already encoded (e.g. a prompt and its generated continuation), truncated to the maximum length.</summary>
    public LensResult AnalyzeTokens(IEnumerable<(long Id, int[] Ids)> sequences, Action<LensTokenRow>? perToken = null, Action<long>? examplesDone = null)
    {
        var layers = graph.Layers.Count;
        var k = TopK;
        var sums = new LayerSums[layers];
        for (var l = 0; l < layers; l++) sums[l] = new LayerSums(Sets.Sets.Count);
        long examples = 0, tokens = 0, predictions = 0;
        var batch = new List<(long Id, int[] Ids)>(options.BatchSize);
        foreach (var (id, ids) in sequences)
        {
            batch.Add((id, ids.Length > options.MaxLength ? ids[..options.MaxLength] : ids));
            if (batch.Count == options.BatchSize) Flush();
        }
        Flush();
        return new LensResult(
            graph.Layers.Select((l, i) => sums[i].Summary(l.Hook, tokens, predictions, Sets)).ToList(),
            examples, tokens, predictions, Finish, Sets.Sets.Select(s => new TokenSetSummary(s.Name, s.Ids.Count, s.Missing)).ToList());

        void Flush()
        {
            var rows = batch.Where(r => r.Ids.Length > 0).ToList();
            examples += batch.Count;
            batch.Clear();
            if (rows.Count == 0) return;
            var length = rows.Max(r => r.Ids.Length);
            var feeds = inputs.Build(rows.Select(r => r.Ids).ToList(), length, padId);
            var next = new long[rows.Count * length];
            for (var b = 0; b < rows.Count; b++)
                for (var t = 0; t + 1 < rows[b].Ids.Length; t++) next[b * length + t] = rows[b].Ids[t + 1];
            feeds[LensStatisticsHead.NextIds] = Tensor.Create(next, rows.Count, length);
            feeds[LensStatisticsHead.SetMatrix] = Tensor.Create(setMatrix, vocab, setColumns);
            feeds[LensStatisticsHead.TopK] = Tensor.Create(new long[] { k }, 1);
            using var results = session.Run(feeds, outputNames);
            for (var l = 0; l < layers; l++)
            {
                var o = graph.Layers[l].Outputs;
                var entropy = results[o[LensStatisticsHead.Entropy]].AsSpan<float>();
                var kl = results[o[LensStatisticsHead.KlToFinal]].AsSpan<float>();
                var topLogp = results[o[LensStatisticsHead.TopLogProbs]].AsSpan<float>();
                var topIds = results[o[LensStatisticsHead.TopIds]].AsSpan<long>();
                var nextLogp = results[o[LensStatisticsHead.NextLogProb]].AsSpan<float>();
                var nextRank = results[o[LensStatisticsHead.NextRank]].AsSpan<float>();
                var mass = results[o[LensStatisticsHead.SetMass]].AsSpan<float>();
                for (var b = 0; b < rows.Count; b++)
                {
                    var ids = rows[b].Ids;
                    for (var t = 0; t < ids.Length; t++)
                    {
                        var at = b * length + t;
                        var hasNext = t + 1 < ids.Length;
                        // KL is non-negative; rounding can leave a tiny negative where the layer is the final one.
                        var klValue = Math.Max(0f, kl[at]);
                        var p = hasNext ? MathF.Exp(nextLogp[at]) : (float?)null;
                        var rank = hasNext ? (int)nextRank[at] : (int?)null;
                        var massRow = mass.Slice(at * setColumns, Sets.Sets.Count);
                        sums[l].Add(entropy[at], klValue, hasNext, topIds[at * k] == (hasNext ? ids[t + 1] : -1), p ?? 0, rank ?? 0, massRow);
                        if (perToken is null) continue;
                        var top = new int[k];
                        var topP = new float[k];
                        for (var j = 0; j < k; j++)
                        {
                            top[j] = (int)topIds[at * k + j];
                            topP[j] = MathF.Exp(topLogp[at * k + j]);
                        }
                        perToken(new LensTokenRow(rows[b].Id, t, ids[t], tokenizer.IdToToken(ids[t]) ?? "", l, graph.Layers[l].Hook,
                            hasNext ? ids[t + 1] : null, rank, p, entropy[at], klValue, top, topP, massRow.ToArray()));
                    }
                }
            }
            foreach (var r in rows)
            {
                tokens += r.Ids.Length;
                predictions += r.Ids.Length - 1;
            }
            examplesDone?.Invoke(examples);
        }
    }

    /// <summary>Runs the lens over plain texts.</summary>
    public LensResult Analyze(IEnumerable<string> texts) => Analyze(texts.Select((t, i) => ((long)i, t)));

    /// <summary>The token string of an id ("" for ids the tokenizer does not name).</summary>
    public string TokenString(int id) => tokenizer.IdToToken(id) ?? "";

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();

    /// <summary>Running sums of one layer's statistics, in double.</summary>
    private sealed class LayerSums(int sets)
    {
        private double entropy, kl, correct, probability, rank;
        private readonly double[] mass = new double[sets];

        public void Add(float entropyValue, float klValue, bool hasNext, bool top1Correct, float p, int r, ReadOnlySpan<float> setMass)
        {
            entropy += entropyValue;
            kl += klValue;
            for (var s = 0; s < mass.Length; s++) mass[s] += setMass[s];
            if (!hasNext) return;
            if (top1Correct) correct++;
            probability += p;
            rank += r;
        }

        public LensLayer Summary(string hook, long tokens, long predictions, TokenSets sets)
        {
            double Mean(double sum, long n) => n > 0 ? sum / n : double.NaN;
            return new LensLayer(hook, Mean(correct, predictions), Mean(kl, tokens), Mean(entropy, tokens), Mean(probability, predictions),
                Mean(rank, predictions), sets.Sets.Select((s, i) => (s.Name, Mean(mass[i], tokens))).ToDictionary(x => x.Name, x => x.Item2));
        }
    }
}
