using System.Text.Json;

namespace Analysis.Interventions;

/// <summary>
/// A direction in a hook's activation space, saved as a small JSON file that <c>steer</c>, <c>generate --steer</c> and
/// the library take: the vector, the hook it was made at, and how it was made.
/// </summary>
public sealed record Direction
{
    /// <summary>Format version of this JSON file.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>The hook whose space the vector lives in (empty when the source does not say, e.g. an SAE file).</summary>
    public required string Hook { get; init; }

    /// <summary>The vector (hook width values).</summary>
    public required float[] Vector { get; init; }

    /// <summary>How it was made, e.g. "mean(first-char = s) − mean(rest)".</summary>
    public required string Source { get; init; }

    /// <summary>Whether the vector was scaled to unit L2 norm.</summary>
    public bool Normalized { get; init; }

    /// <summary>The vector's L2 norm before any normalisation.</summary>
    public double RawNorm { get; init; }

    /// <summary>Free-form provenance (input files, classes, counts).</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>A direction from a raw vector, scaled to unit norm when asked.</summary>
    public static Direction Create(string hook, float[] vector, string source, bool normalize, Dictionary<string, string>? metadata = null)
    {
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (vector.Any(v => !float.IsFinite(v))) throw new BadInputException($"The direction from {source} has non-finite values; check the input data.");
        if (normalize && norm == 0) throw new BadInputException($"The direction from {source} is the zero vector and cannot be normalised; choose classes or a feature that differ.");
        var scaled = normalize ? vector.Select(v => (float)(v / norm)).ToArray() : vector;
        return new Direction { Hook = hook, Vector = scaled, Source = source, Normalized = normalize, RawNorm = norm, Metadata = metadata ?? [] };
    }

    /// <summary>Writes the JSON file (to a temporary name first, so a crash never leaves half a file).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(full + ".tmp", full, overwrite: true);
    }

    /// <summary>Reads a direction file written by <see cref="Save"/>.</summary>
    public static Direction Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"Direction file '{path}' does not exist; make one with 'analysis direction'.");
        Direction? d;
        try { d = JsonSerializer.Deserialize<Direction>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new BadInputException($"'{path}' is not a direction file ({e.Message}); make one with 'analysis direction'.", e); }
        if (d is null || d.Vector is null || d.Vector.Length == 0 || d.Hook is null)
            throw new BadInputException($"'{path}' is not a direction file (no vector or hook); make one with 'analysis direction'.");
        return d;
    }
}
