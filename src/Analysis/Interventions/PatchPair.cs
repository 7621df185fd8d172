namespace Analysis.Interventions;

/// <summary>A clean and a corrupted prompt of the same token length, and the two answer tokens whose logit difference is the metric.</summary>
/// <param name="Clean">The clean prompt.</param>
/// <param name="Corrupted">The corrupted prompt.</param>
/// <param name="Answer">The token the clean prompt should favour.</param>
/// <param name="Wrong">The token the corrupted prompt should favour.</param>
public sealed record PatchPair(string Clean, string Corrupted, string Answer, string Wrong)
{
    /// <summary>Reads pairs from a .jsonl file: one object per line with "clean", "corrupted", "answer" and "wrong".</summary>
    public static IReadOnlyList<PatchPair> Read(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"Pairs file '{path}' does not exist; check the path.");
        var pairs = new List<PatchPair>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            PatchPair? pair;
            try { pair = System.Text.Json.JsonSerializer.Deserialize<PatchPair>(line, new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase }); }
            catch (System.Text.Json.JsonException e) { throw new BadInputException($"Line {number} of '{path}' is not a JSON object ({e.Message}); write one pair per line.", e); }
            if (pair is null || pair.Clean is null || pair.Corrupted is null || pair.Answer is null || pair.Wrong is null)
                throw new BadInputException($"Line {number} of '{path}' lacks one of \"clean\", \"corrupted\", \"answer\", \"wrong\"; give all four.");
            pairs.Add(pair);
        }
        if (pairs.Count == 0) throw new BadInputException($"'{path}' holds no pairs; add one JSON object per line.");
        return pairs;
    }
}
