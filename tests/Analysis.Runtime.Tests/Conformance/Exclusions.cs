namespace Analysis.Runtime.Tests.Conformance;

/// <summary>A node test known not to pass, with the outcome it has and why.</summary>
internal sealed record Exclusion(string Name, NodeTestOutcome Outcome, string Explanation);

/// <summary>Reads Conformance/exclusions.tsv: <c>test name TAB Failed|Unsupported TAB explanation</c>; # starts a comment.</summary>
internal static class Exclusions
{
    public static IReadOnlyDictionary<string, Exclusion> Load()
    {
        var path = Path.Combine(TestData.RepositoryRoot, "tests", "Analysis.Runtime.Tests", "Conformance", "exclusions.tsv");
        var result = new Dictionary<string, Exclusion>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            if (parts.Length != 3 || !Enum.TryParse<NodeTestOutcome>(parts[1], out var outcome) || parts[2].Trim().Length == 0)
                throw new InvalidDataException($"{path}: '{line}' is not 'name<TAB>Failed|Unsupported<TAB>explanation'.");
            result.Add(parts[0], new Exclusion(parts[0], outcome, parts[2].Trim()));
        }
        return result;
    }
}
