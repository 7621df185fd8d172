using System.Text.Json;
using Analysis.Results;

namespace Analysis.Checkpoints;

/// <summary>
/// The index of a family's activation datasets (_family.json): one ordinary dataset per checkpoint in a subfolder named
/// after it, all extracted from the same examples with the same settings, so every analysis runs on each unchanged and
/// any two can be compared row by row (analysis similarity).
/// </summary>
public sealed record FamilyDatasets(IReadOnlyList<FamilyDataset> Checkpoints)
{
    /// <summary>The index's file name in the family's output folder.</summary>
    public const string FileName = "_family.json";

    /// <summary>True when the folder holds a family index.</summary>
    public static bool IsFamily(string folder) => File.Exists(Path.Combine(folder, FileName));

    /// <summary>Writes the index (atomically).</summary>
    public void Save(string folder)
    {
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, ResultsFile.Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads the index of a family folder.</summary>
    public static FamilyDatasets Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            var family = JsonSerializer.Deserialize<FamilyDatasets>(File.ReadAllText(path), ResultsFile.Json);
            if (family?.Checkpoints is not { Count: > 0 }) throw new JsonException("no checkpoints");
            return family;
        }
        catch (JsonException e) { throw new BadInputException($"{path} is not a valid family index ({e.Message}); extract the family again.", e); }
    }

    /// <summary>The full path of a checkpoint's dataset.</summary>
    public static string DatasetPath(string folder, FamilyDataset checkpoint) => Path.Combine(folder, checkpoint.Dataset);
}

/// <summary>One checkpoint's dataset in a family: where it is (relative to the family folder) and what produced it.</summary>
public sealed record FamilyDataset(string Name, string Dataset, string Model, string Size, long Step, long TokensSeen);
