using System.Text.Json;
using System.Text.RegularExpressions;
using Analysis.Tokenizers;

namespace Analysis.Lens;

/// <summary>
/// Named sets of vocabulary tokens for the latent-language lens ("english", "french", "digits"): a JSON object mapping
/// each name to a list of token strings (as the tokenizer writes them, e.g. "▁the") or to <c>{"regex": "…"}</c> matched
/// against every token string.
/// </summary>
public sealed class TokenSets
{
    private TokenSets(IReadOnlyList<TokenSet> sets) => Sets = sets;

    /// <summary>The sets in file order.</summary>
    public IReadOnlyList<TokenSet> Sets { get; }

    /// <summary>No sets.</summary>
    public static TokenSets None { get; } = new([]);

    /// <summary>Reads the file and resolves every set against the tokenizer's vocabulary of <paramref name="vocab"/> ids.</summary>
    public static TokenSets Load(string path, Tokenizer tokenizer, int vocab)
    {
        if (!File.Exists(path)) throw new BadInputException($"The token set file '{path}' does not exist; pass a JSON file mapping set names to token lists or {{\"regex\": …}}.");
        JsonElement root;
        try { root = JsonDocument.Parse(File.ReadAllText(path)).RootElement; }
        catch (JsonException e) { throw new BadInputException($"The token set file '{path}' is not valid JSON ({e.Message}); fix it.", e); }
        if (root.ValueKind != JsonValueKind.Object || !root.EnumerateObject().Any())
            throw new BadInputException($"The token set file '{path}' must be a non-empty JSON object mapping set names to token lists or {{\"regex\": …}}.");
        var strings = Enumerable.Range(0, vocab).Select(id => tokenizer.IdToToken(id)).ToArray();
        var byString = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < strings.Length; id++)
            if (strings[id] is { } s) byString.TryAdd(s, id);
        var sets = new List<TokenSet>();
        foreach (var entry in root.EnumerateObject())
        {
            var ids = new SortedSet<int>();
            var missing = 0;
            if (entry.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in entry.Value.EnumerateArray())
                {
                    if (token.ValueKind != JsonValueKind.String)
                        throw new BadInputException($"Set '{entry.Name}' in '{path}' lists a {token.ValueKind} where a token string belongs; list strings only.");
                    if (byString.TryGetValue(token.GetString()!, out var id)) ids.Add(id);
                    else missing++;
                }
            }
            else if (entry.Value.ValueKind == JsonValueKind.Object && entry.Value.TryGetProperty("regex", out var pattern) && pattern.ValueKind == JsonValueKind.String)
            {
                Regex regex;
                try { regex = new Regex(pattern.GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)); }
                catch (ArgumentException e) { throw new BadInputException($"Set '{entry.Name}' in '{path}' has an invalid regex ({e.Message}); fix it.", e); }
                for (var id = 0; id < strings.Length; id++)
                    if (strings[id] is { } s && regex.IsMatch(s)) ids.Add(id);
            }
            else throw new BadInputException($"Set '{entry.Name}' in '{path}' must be a list of token strings or {{\"regex\": \"…\"}}.");
            if (ids.Count == 0)
                throw new BadInputException($"Set '{entry.Name}' in '{path}' matches no token of the tokenizer's vocabulary; check the token strings (as 'analysis tokenize' shows them) or the regex.");
            sets.Add(new TokenSet(entry.Name, [.. ids], missing));
        }
        return new TokenSets(sets);
    }

    /// <summary>The [vocab, sets] 0/1 membership matrix (row-major) the lens graph multiplies probabilities by; one zero column when there are no sets.</summary>
    internal float[] Matrix(int vocab, out int columns)
    {
        columns = Math.Max(1, Sets.Count);
        var m = new float[vocab * columns];
        for (var s = 0; s < Sets.Count; s++)
            foreach (var id in Sets[s].Ids)
                if (id < vocab) m[id * columns + s] = 1;
        return m;
    }
}

/// <summary>One named token set: its token ids and how many listed tokens the vocabulary lacks.</summary>
public sealed record TokenSet(string Name, IReadOnlyList<int> Ids, int Missing);
