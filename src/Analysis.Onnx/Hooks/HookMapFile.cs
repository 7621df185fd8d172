using System.Text.Json;

namespace Analysis.Onnx;

/// <summary>
/// A user's hook map (JSON): <c>{"format": "analysis-hook-map/1", "discover": true, "hooks": {"canonical.name": "tensor" | null}}</c>.
/// Entries override or extend discovery; null removes a discovered hook; "discover": false uses only the file.
/// </summary>
public sealed record HookMapFile(bool Discover, IReadOnlyDictionary<string, string?> Hooks)
{
    /// <summary>The format tag the file must carry.</summary>
    public const string Format = "analysis-hook-map/1";

    /// <summary>Reads and checks a hook map file.</summary>
    public static HookMapFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Hook map file '{path}' does not exist; check the path.", path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format)
                throw new OnnxFormatException($"Hook map '{path}' must be a JSON object with \"format\": \"{Format}\"; see docs/onnx.md.");
            var discover = !root.TryGetProperty("discover", out var d) || d.GetBoolean();
            var hooks = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (root.TryGetProperty("hooks", out var h))
            {
                if (h.ValueKind != JsonValueKind.Object)
                    throw new OnnxFormatException($"Hook map '{path}': \"hooks\" must be an object of canonical name -> tensor name (or null); see docs/onnx.md.");
                foreach (var p in h.EnumerateObject())
                    hooks[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => throw new OnnxFormatException($"Hook map '{path}': hook '{p.Name}' must map to a tensor name or null."),
                    };
            }
            return new HookMapFile(discover, hooks);
        }
        catch (JsonException e)
        {
            throw new OnnxFormatException($"Hook map '{path}' is not valid JSON ({e.Message}); see docs/onnx.md for the format.", e);
        }
        catch (InvalidOperationException e)
        {
            throw new OnnxFormatException($"Hook map '{path}' has a value of the wrong type ({e.Message}); see docs/onnx.md for the format.", e);
        }
    }

    /// <summary>Writes this hook map as JSON (atomically).</summary>
    public void Save(string path)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["format"] = Format, ["discover"] = Discover, ["hooks"] = Hooks },
            new JsonSerializerOptions { WriteIndented = true });
        var temp = path + ".tmp";
        File.WriteAllText(temp, json + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
