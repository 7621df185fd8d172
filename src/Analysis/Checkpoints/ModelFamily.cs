using System.Text.Json;

namespace Analysis.Checkpoints;

/// <summary>
/// A family of models given as a folder (every model.onnx below it, e.g. tools/train's SIZE/step-NNNNN folders) or as
/// several model files, ordered by size then training step (config.json's "training" block; name order otherwise).
/// </summary>
public static class ModelFamily
{
    /// <summary>True when the arguments name a family rather than one model: several files, or a folder.</summary>
    public static bool IsFamily(IReadOnlyList<string> models) => models.Count > 1 || (models.Count == 1 && Directory.Exists(models[0]));

    /// <summary>The family's checkpoints, in order, with unique names.</summary>
    public static IReadOnlyList<Checkpoint> Resolve(IReadOnlyList<string> models)
    {
        var files = new List<(string File, string Name)>();
        foreach (var m in models)
        {
            if (Directory.Exists(m))
            {
                var root = Path.GetFullPath(m);
                var found = Directory.GetFiles(root, "model.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
                if (found.Length == 0) throw new BadInputException($"The folder {m} holds no model.onnx; pass a family folder (one model.onnx per checkpoint folder) or the model files.");
                foreach (var f in found)
                {
                    var rel = Path.GetRelativePath(root, Path.GetDirectoryName(f)!);
                    files.Add((f, rel == "." ? Path.GetFileName(root) : rel.Replace(Path.DirectorySeparatorChar, '-')));
                }
            }
            else if (File.Exists(m)) files.Add((Path.GetFullPath(m), Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(m))!)));
            else throw new BadInputException($"The model {m} does not exist; pass ONNX model files or a family folder.");
        }
        var checkpoints = files.Select(f => Describe(f.File, f.Name)).ToList();
        var duplicate = checkpoints.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new BadInputException($"Two models of the family would both be called '{duplicate.Key}' ({string.Join(", ", duplicate.Select(c => c.Model))}); put each in its own folder.");
        return [.. checkpoints.OrderBy(c => c.Size, StringComparer.Ordinal).ThenBy(c => c.Step).ThenBy(c => c.Name, StringComparer.Ordinal)];
    }

    private static Checkpoint Describe(string model, string name)
    {
        var config = Path.Combine(Path.GetDirectoryName(model)!, "config.json");
        string size = "";
        long step = -1, tokens = -1;
        if (File.Exists(config))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(config));
                if (doc.RootElement.TryGetProperty("training", out var t) && t.ValueKind == JsonValueKind.Object)
                {
                    if (t.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.String) size = s.GetString()!;
                    if (t.TryGetProperty("step", out var st) && st.TryGetInt64(out var v)) step = v;
                    if (t.TryGetProperty("tokens_seen", out var tk) && tk.TryGetInt64(out var n)) tokens = n;
                }
            }
            catch (JsonException e) { throw new BadInputException($"{config} is not valid JSON ({e.Message}); fix or remove it.", e); }
        }
        return new Checkpoint(name, model, size, step, tokens);
    }
}
