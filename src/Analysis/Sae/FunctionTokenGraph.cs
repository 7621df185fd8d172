using System.Runtime.InteropServices;

namespace Analysis.Sae;

/// <summary>
/// The bipartite graph from vocabulary tokens to the SAE latents they activate, counted over a dataset: one edge per
/// (token id, latent) pair seen at least once, with how many times it fired and its summed activation. Memory grows with
/// the edges (at most vocabulary × latents, in practice far fewer), never with the number of tokens streamed.
/// </summary>
public sealed class FunctionTokenGraph(int latents)
{
    private readonly Dictionary<long, EdgeTotals> _edges = [];
    private readonly Dictionary<int, long> _frequency = [];
    private readonly Dictionary<int, string> _names = [];

    private struct EdgeTotals { public long Count; public double Mass; }

    /// <summary>Number of latents of the SAE.</summary>
    public int Latents { get; } = latents;

    /// <summary>Token occurrences added so far.</summary>
    public long Tokens { get; private set; }

    /// <summary>Distinct (token, latent) edges so far.</summary>
    public int EdgeCount => _edges.Count;

    /// <summary>Adds a block of tokens: row i is token <paramref name="tokenIds"/>[i] with the codes' row i.</summary>
    public void Add(ReadOnlySpan<int> tokenIds, SparseCodes codes)
    {
        if (tokenIds.Length != codes.Rows) throw new ArgumentException($"{tokenIds.Length} token ids for {codes.Rows} rows of codes.");
        for (var i = 0; i < tokenIds.Length; i++)
        {
            var token = tokenIds[i];
            if (token < 0) throw new BadInputException($"Token id {token} is negative; the dataset's token_id column is damaged — re-extract it.");
            CollectionsMarshal.GetValueRefOrAddDefault(_frequency, token, out _)++;
            var latents = codes.LatentsOf(i);
            var values = codes.ValuesOf(i);
            for (var p = 0; p < latents.Length; p++)
            {
                if (values[p] <= 0) continue;   // a ReLU SAE's zero is not a firing
                ref var edge = ref CollectionsMarshal.GetValueRefOrAddDefault(_edges, (long)token * Latents + latents[p], out _);
                edge.Count++;
                edge.Mass += values[p];
            }
        }
        Tokens += tokenIds.Length;
    }

    /// <summary>Remembers a token id's string (the first one given wins).</summary>
    public void Name(int tokenId, string token) => _names.TryAdd(tokenId, token);

    /// <summary>Whether a token id has a string already.</summary>
    public bool HasName(int tokenId) => _names.ContainsKey(tokenId);

    /// <summary>A token id's string, or "" when none was given.</summary>
    public string NameOf(int tokenId) => _names.GetValueOrDefault(tokenId, "");

    /// <summary>Every edge, sorted by token id then latent.</summary>
    public FunctionTokenEdge[] Edges()
    {
        var keys = _edges.Keys.ToArray();
        Array.Sort(keys);
        var edges = new FunctionTokenEdge[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var e = _edges[keys[i]];
            edges[i] = new FunctionTokenEdge((int)(keys[i] / Latents), (int)(keys[i] % Latents), e.Count, e.Mass);
        }
        return edges;
    }

    /// <summary>How often each token id occurred.</summary>
    public IReadOnlyDictionary<int, long> Frequency => _frequency;

    /// <summary>
    /// Degrees, degree distributions and coverage: the tokens, taken greedily (each time the token that reaches the most
    /// latents not yet reached), until every live latent is reached; greedy set cover is within a factor ln(latents) of the
    /// smallest such set (finding the smallest exactly is NP-hard), and exact on the planted cases the tests use.
    /// </summary>
    public FunctionTokensResult Summarize(int top = 20)
    {
        var edges = Edges();
        var tokenIds = _frequency.Keys.Order().ToArray();
        var index = new Dictionary<int, int>(tokenIds.Length);
        for (var i = 0; i < tokenIds.Length; i++) index[tokenIds[i]] = i;
        var start = new int[tokenIds.Length + 1];
        foreach (var e in edges) start[index[e.TokenId] + 1]++;
        for (var i = 0; i < tokenIds.Length; i++) start[i + 1] += start[i];
        var featureOf = new int[edges.Length];
        var mass = new double[tokenIds.Length];
        var featureDegree = new int[Latents];
        var featureFirings = new long[Latents];
        for (var p = 0; p < edges.Length; p++)
        {
            featureOf[p] = edges[p].Feature;   // edges are sorted by token, so CSR order is edge order
            mass[index[edges[p].TokenId]] += edges[p].Mass;
            featureDegree[edges[p].Feature]++;
            featureFirings[edges[p].Feature] += edges[p].Count;
        }
        var live = featureDegree.Count(d => d > 0);
        var stats = tokenIds.Select((t, i) => new FunctionTokenStats(t, NameOf(t), _frequency[t], start[i + 1] - start[i], mass[i],
            live == 0 ? 0 : (double)(start[i + 1] - start[i]) / live)).ToArray();
        var byDegree = stats.OrderByDescending(s => s.Degree).ThenByDescending(s => s.Frequency).ThenBy(s => s.TokenId).ToArray();

        var greedy = GreedyCover(start, featureOf, live);
        var byFrequency = Coverage(stats.Select((s, i) => i).OrderByDescending(i => stats[i].Frequency).ThenBy(i => i).ToArray(), start, featureOf, live);
        int Needed(IReadOnlyList<double> curve, double fraction) => curve.Select((c, i) => (c, i)).FirstOrDefault(p => p.c >= fraction - 1e-12, (0, -1)).Item2 + 1;
        var greedyCurve = greedy.Curve;
        return new FunctionTokensResult
        {
            Tokens = Tokens, DistinctTokens = tokenIds.Length, Edges = edges.LongLength, Latents = Latents, LiveLatents = live,
            MeanTokenDegree = stats.Length == 0 ? 0 : stats.Average(s => s.Degree),
            MeanFeatureDegree = live == 0 ? 0 : featureDegree.Where(d => d > 0).Average(),
            TokenDegreeHistogram = Log2Histogram(stats.Select(s => (long)s.Degree)),
            FeatureDegreeHistogram = Log2Histogram(featureDegree.Select(d => (long)d)),
            CoverageGreedy = greedyCurve, CoverageByFrequency = byFrequency,
            GreedyOrder = [.. greedy.Order.Select(i => tokenIds[i])],
            TokensFor50 = Needed(greedyCurve, 0.5), TokensFor90 = Needed(greedyCurve, 0.9),
            TokensFor50ByFrequency = Needed(byFrequency, 0.5), TokensFor90ByFrequency = Needed(byFrequency, 0.9),
            Cover50 = [.. greedy.Order.Take(Needed(greedyCurve, 0.5)).Select(i => stats[i])],
            Cover90 = [.. greedy.Order.Take(Needed(greedyCurve, 0.9)).Select(i => stats[i])],
            TopByDegree = [.. byDegree.Take(top)],
            PerToken = byDegree,
            FeatureDegree = featureDegree, FeatureFirings = featureFirings,
        };
    }

    // Lazy greedy: a token's gain only falls as latents get covered, so a stale gain is an upper bound and the heap's top,
    // once refreshed and still on top, is the true best. Ties go to the smaller token index.
    private static (int[] Order, double[] Curve) GreedyCover(int[] start, int[] featureOf, int live)
    {
        var tokens = start.Length - 1;
        var covered = new bool[featureOf.Length == 0 ? 0 : featureOf.Max() + 1];
        var heap = new PriorityQueue<int, (int NegGain, int Token)>();
        for (var t = 0; t < tokens; t++) if (start[t + 1] > start[t]) heap.Enqueue(t, (-(start[t + 1] - start[t]), t));
        var order = new List<int>();
        var curve = new List<double>();
        var reached = 0;
        while (reached < live && heap.TryDequeue(out var t, out var key))
        {
            var gain = 0;
            for (var p = start[t]; p < start[t + 1]; p++) if (!covered[featureOf[p]]) gain++;
            if (gain == 0) continue;
            if (heap.TryPeek(out _, out var next) && (-gain, t).CompareTo(next) > 0) { heap.Enqueue(t, (-gain, t)); continue; }
            for (var p = start[t]; p < start[t + 1]; p++) covered[featureOf[p]] = true;
            reached += gain;
            order.Add(t);
            curve.Add((double)reached / live);
        }
        return ([.. order], [.. curve]);
    }

    private static double[] Coverage(int[] order, int[] start, int[] featureOf, int live)
    {
        var covered = new bool[featureOf.Length == 0 ? 0 : featureOf.Max() + 1];
        var curve = new List<double>();
        var reached = 0;
        foreach (var t in order)
        {
            if (reached == live) break;
            for (var p = start[t]; p < start[t + 1]; p++) if (!covered[featureOf[p]]) { covered[featureOf[p]] = true; reached++; }
            curve.Add((double)reached / live);
        }
        return [.. curve];
    }

    /// <summary>Counts of values in bins 0, 1, 2–3, 4–7, …: bin b ≥ 1 holds [2^(b−1), 2^b).</summary>
    internal static long[] Log2Histogram(IEnumerable<long> values)
    {
        var counts = new List<long>();
        foreach (var v in values)
        {
            var b = v <= 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)v);
            while (counts.Count <= b) counts.Add(0);
            counts[b]++;
        }
        return [.. counts];
    }

    /// <summary>The label of bin b of <see cref="Log2Histogram"/>.</summary>
    public static string Log2BinLabel(int b) => b switch
    {
        0 => "0",
        1 => "1",
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{1L << (b - 1)}–{(1L << b) - 1}"),
    };
}
