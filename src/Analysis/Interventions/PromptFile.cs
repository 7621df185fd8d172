using System.Text.Json;

namespace Analysis.Interventions;

/// <summary>Prompts from a file: one per line of a .txt file, or the "text" field (or another) of each line of a .jsonl file.</summary>
public static class PromptFile
{
    /// <summary>Reads the prompts; blank lines are skipped.</summary>
    public static IReadOnlyList<string> Read(string path, string field = "text")
    {
        if (!File.Exists(path)) throw new BadInputException($"Prompt file '{path}' does not exist; check the path.");
        var prompts = new List<string>();
        var jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!jsonl) { prompts.Add(line); continue; }
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryGetProperty(field, out var text) || text.ValueKind != JsonValueKind.String)
                    throw new BadInputException($"Line {number} of '{path}' has no string field '{field}'; give each line a \"{field}\".");
                prompts.Add(text.GetString()!);
            }
            catch (JsonException e) { throw new BadInputException($"Line {number} of '{path}' is not JSON ({e.Message}); write one JSON object per line.", e); }
        }
        if (prompts.Count == 0) throw new BadInputException($"'{path}' holds no prompts; add one per line.");
        return prompts;
    }
}
