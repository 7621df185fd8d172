using Analysis.Results;
using Analysis.Tokenizers;

namespace Analysis.Interventions;

/// <summary>What to steer: a model, prompts, a hook, a direction and the strengths to try.</summary>
public sealed record SteeringRequest
{
    /// <summary>The ONNX model.</summary>
    public required string Model { get; init; }

    /// <summary>tokenizer.json (or tokenizer.bin).</summary>
    public required string Tokenizer { get; init; }

    /// <summary>The prompts.</summary>
    public required IReadOnlyList<string> Prompts { get; init; }

    /// <summary>The hook to add the direction at (null: the direction's own hook).</summary>
    public string? Hook { get; init; }

    /// <summary>The direction.</summary>
    public required Direction Direction { get; init; }

    /// <summary>Multiples of the direction to add.</summary>
    public required IReadOnlyList<double> Alphas { get; init; }

    /// <summary>Tokens whose probabilities to report (empty: the clean run's top tokens).</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>Steer every position (true) or only the last (false).</summary>
    public bool AllPositions { get; init; } = true;

    /// <summary>How many top tokens to list.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>Output folder (results.json), or null to write nothing.</summary>
    public string? Output { get; init; }

    /// <summary>Run metadata for the report.</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];
}

/// <summary>
/// Adds α·direction at a hook and compares the next-token distribution at each prompt's last position with the
/// unsteered run: one batch per prompt, one row per α (plus the clean row), each row with its own intervention.
/// </summary>
public static class SteeringExperiment
{
    /// <summary>The results.json entry steering results are stored under.</summary>
    public const string Entry = "steering";

    /// <summary>Runs the request; writes OUTPUT/results.json when an output is given.</summary>
    public static SteeringResult Run(SteeringRequest request)
    {
        if (request.Prompts.Count == 0) throw new BadInputException("No prompts given; pass --prompt TEXT or --data FILE.");
        if (request.Alphas.Count == 0) throw new BadInputException("No steering strengths given; pass --alpha 1,2,4.");
        var hook = request.Hook ?? request.Direction.Hook;
        var tokenizer = Tokenizer.Load(request.Tokenizer);
        var targetIds = request.Targets.Select(t => TokenId(tokenizer, t)).ToArray();
        using var model = InterventionModel.Open(request.Model, [new InterventionPoint(hook, EditKind.Steer)]);
        var prompts = new List<SteeredPrompt>();
        foreach (var prompt in request.Prompts)
        {
            var ids = tokenizer.Encode(prompt).Ids;
            if (ids.Length == 0) throw new BadInputException($"The prompt '{prompt}' has no tokens; give it some text.");
            var rows = Enumerable.Repeat(ids, request.Alphas.Count + 1).ToArray();
            var feed = model.CreateFeed(rows);
            int[] positions = request.AllPositions ? [.. Enumerable.Range(0, ids.Length)] : [ids.Length - 1];
            for (var a = 0; a < request.Alphas.Count; a++)
                feed.Steer(hook, a + 1, request.Direction.Vector, (float)request.Alphas[a], positions);
            using var results = model.Run(feed);
            var logits = results[0].ToArray<float>();
            var vocab = (int)results[0].Shape[^1];
            float[] Last(int row) => logits.AsSpan((row * ids.Length + ids.Length - 1) * vocab, vocab).ToArray();
            var clean = Last(0);
            var cleanP = Softmax(clean);
            var cleanTop = TopIds(clean, request.TopK);
            var targets = targetIds.Length > 0 ? targetIds : cleanTop;
            TokenScore Score(int id, float[] l, double[] p) => new(tokenizer.IdToToken(id) ?? id.ToString(), id, l[id], p[id], l[id] - clean[id], cleanP[id]);
            var byAlpha = new SteeredAlpha[request.Alphas.Count];
            for (var a = 0; a < byAlpha.Length; a++)
            {
                var l = Last(a + 1);
                var p = Softmax(l);
                var kl = Enumerable.Range(0, vocab).Sum(i => cleanP[i] > 0 ? cleanP[i] * (Math.Log(cleanP[i]) - Math.Log(Math.Max(p[i], 1e-300))) : 0);
                byAlpha[a] = new SteeredAlpha(request.Alphas[a], [.. targets.Select(id => Score(id, l, p))], [.. TopIds(l, request.TopK).Select(id => Score(id, l, p))], kl);
            }
            prompts.Add(new SteeredPrompt(prompt, ids, [.. cleanTop.Select(id => Score(id, clean, cleanP))], byAlpha));
        }
        var result = new SteeringResult(Path.GetFullPath(request.Model), hook, request.Direction.Source, request.AllPositions ? "all" : "last", [.. request.Alphas], [.. prompts]);
        if (request.Output is { } output) ResultsFile.Save(output, request.Metadata, (Entry, new[] { result }));
        return result;
    }

    /// <summary>The id of a token given as its string (as the tokenizer spells it) or as text that encodes to one token.</summary>
    public static int TokenId(Tokenizer tokenizer, string token)
    {
        if (tokenizer.TokenToId(token) is { } id) return id;
        // A leading space is spelled '▁' by SentencePiece vocabularies and 'Ġ' by GPT-2's byte-level BPE.
        if (token.StartsWith(' ') && (tokenizer.TokenToId("▁" + token[1..]) ?? tokenizer.TokenToId("Ġ" + token[1..])) is { } spaced) return spaced;
        var ids = tokenizer.Encode(token, addSpecialTokens: false).Ids;
        if (ids.Length == 1) return ids[0];
        throw new BadInputException($"'{token}' is not one token of this tokenizer (it encodes to {ids.Length}); pass a single token, e.g. as 'analysis tokenize' shows it.");
    }

    internal static double[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits) max = Math.Max(max, l);
        var p = new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] - max);
        for (var i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }

    internal static int[] TopIds(float[] logits, int k) =>
        [.. Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(Math.Max(0, k))];
}
