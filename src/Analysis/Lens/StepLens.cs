using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Lens;

/// <summary>
/// The logit lens on one position at a time, for generation: the model's cut-out finish and <see cref="LensStatisticsHead"/>
/// as a small model of their own, fed the residual stream of every chosen layer at the position that predicts the next
/// token (one layer per batch row). The last row is the finish's own input, so its distribution is the model's and its
/// KL is 0; every other row's KL is to that row.
/// </summary>
public sealed class StepLens : IDisposable
{
    private readonly StepLensGraph graph;
    private readonly InferenceSession session;
    private readonly float[] setMatrix;
    private readonly int setColumns;
    private readonly Tokenizer tokenizer;

    private StepLens(StepLensGraph graph, InferenceSession session, Tokenizer tokenizer, TokenSets sets, int topK)
    {
        this.graph = graph;
        this.session = session;
        this.tokenizer = tokenizer;
        Sets = sets;
        TopK = Math.Min(topK, graph.Vocab);
        setMatrix = sets.Matrix(graph.Vocab, out setColumns);
    }

    /// <summary>The residual-stream hooks read, in model order; the last is the finish's own input.</summary>
    public IReadOnlyList<string> Hooks => graph.Hooks;

    /// <summary>Where the finish starts and what it reproduces, e.g. "blocks.4.hook_resid_post → logits".</summary>
    public string Finish => $"{graph.ResidualHook} → {graph.Logits}";

    /// <summary>How many most likely tokens each layer keeps.</summary>
    public int TopK { get; }

    /// <summary>The token sets whose mass is measured.</summary>
    public TokenSets Sets { get; }

    /// <summary>The residual stream's width.</summary>
    public int Width => graph.Width;

    /// <summary>Builds (or finds in the cache) the finish-and-statistics model and opens it on the CPU; bad input throws <see cref="BadInputException"/>.</summary>
    public static StepLens Open(string modelPath, Tokenizer tokenizer, IReadOnlyList<string> hooks, int topK = 5, string? tokenSetsPath = null, string? hookMapPath = null)
    {
        if (topK < 1) throw new BadInputException($"--lens-top must be at least 1, not {topK}.");
        var graph = StepLensGraph.Prepare(modelPath, hooks, hookMapPath);
        if (tokenizer.VocabSize > graph.Vocab)
            throw new BadInputException($"The tokenizer has {tokenizer.VocabSize} tokens but the model's logits have {graph.Vocab}; use the tokenizer the model was trained with.");
        var sets = tokenSetsPath is null ? TokenSets.None : TokenSets.Load(tokenSetsPath, tokenizer, graph.Vocab);
        var session = InferenceSession.Open(graph.Path, new SessionOptions { Device = Device.Cpu });
        return new StepLens(graph, session, tokenizer, sets, topK);
    }

    /// <summary>
    /// The lens at one position: <paramref name="residuals"/>[l] is layer l's residual stream there (as <see cref="Hooks"/>
    /// orders them), <paramref name="token"/> the token that followed (whose probability and rank are read).
    /// </summary>
    public IReadOnlyList<StepLensLayer> Analyze(IReadOnlyList<float[]> residuals, int token)
    {
        var layers = graph.Hooks.Count;
        if (residuals.Count != layers || residuals.Any(r => r.Length != graph.Width))
            throw new ArgumentException($"The step lens needs {layers} residual vectors of width {graph.Width}.", nameof(residuals));
        var stacked = new float[layers * graph.Width];
        for (var l = 0; l < layers; l++) residuals[l].CopyTo(stacked, l * graph.Width);
        var feeds = new Dictionary<string, Tensor>
        {
            [graph.Residual] = Tensor.Create(stacked, layers, 1, graph.Width),
            [LensStatisticsHead.NextIds] = Tensor.Create(Enumerable.Repeat((long)token, layers).ToArray(), layers, 1),
            [LensStatisticsHead.SetMatrix] = Tensor.Create(setMatrix, graph.Vocab, setColumns),
            [LensStatisticsHead.TopK] = Tensor.Create(new long[] { TopK }, 1),
        };
        using var results = session.Run(feeds, graph.Outputs.Values.ToList());
        var entropy = results[graph.Outputs[LensStatisticsHead.Entropy]].AsSpan<float>();
        var kl = results[graph.Outputs[LensStatisticsHead.KlToFinal]].AsSpan<float>();
        var topLogp = results[graph.Outputs[LensStatisticsHead.TopLogProbs]].AsSpan<float>();
        var topIds = results[graph.Outputs[LensStatisticsHead.TopIds]].AsSpan<long>();
        var tokenLogp = results[graph.Outputs[LensStatisticsHead.NextLogProb]].AsSpan<float>();
        var tokenRank = results[graph.Outputs[LensStatisticsHead.NextRank]].AsSpan<float>();
        var mass = results[graph.Outputs[LensStatisticsHead.SetMass]].AsSpan<float>();
        var rows = new List<StepLensLayer>(layers);
        for (var l = 0; l < layers; l++)
        {
            var top = new int[TopK];
            var topP = new float[TopK];
            for (var j = 0; j < TopK; j++)
            {
                top[j] = (int)topIds[l * TopK + j];
                topP[j] = MathF.Exp(topLogp[l * TopK + j]);
            }
            // KL is non-negative; rounding can leave a tiny negative.
            rows.Add(new StepLensLayer(graph.Hooks[l], (int)tokenRank[l], MathF.Exp(tokenLogp[l]), entropy[l], Math.Max(0f, kl[l]), top, topP,
                mass.Slice(l * setColumns, Sets.Sets.Count).ToArray()));
        }
        return rows;
    }

    /// <summary>The token string of an id ("" for ids the tokenizer does not name).</summary>
    public string TokenString(int id) => tokenizer.IdToToken(id) ?? "";

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();
}
