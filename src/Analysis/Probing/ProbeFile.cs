using System.Text.Json;

namespace Analysis.Probing;

/// <summary>A saved probe: the classifier plus where it came from (hook, label spec, options, metrics).</summary>
public sealed record ProbeFile
{
    /// <summary>Format version of this JSON file.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>Canonical hook name the probe reads.</summary>
    public required string Hook { get; init; }

    /// <summary>Label column or token-label spec it predicts.</summary>
    public required string Label { get; init; }

    /// <summary>The trained classifier.</summary>
    public required LinearClassifier Classifier { get; init; }

    /// <summary>Free-form provenance (dataset, command line, metrics).</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Writes the probe as JSON (to a temporary file first, so a crash never leaves half a probe).</summary>
    public void Save(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a probe saved by <see cref="Save"/>.</summary>
    public static ProbeFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Probe file {path} does not exist; pass the .json written by 'analysis probe --save'.", path);
        ProbeFile? probe;
        try { probe = JsonSerializer.Deserialize<ProbeFile>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new BadInputException($"Probe file {path} is not valid probe JSON ({e.Message}); re-save it with 'analysis probe --save'.", e); }
        var c = probe?.Classifier;
        if (probe is null || c is null || c.Classes.Length < 2 || c.Weights.Length != c.Classes.Length * c.Dimension || c.Bias.Length != c.Classes.Length)
            throw new BadInputException($"Probe file {path} has inconsistent shapes (weights must be classes × dimension); re-save it.");
        return probe;
    }
}
