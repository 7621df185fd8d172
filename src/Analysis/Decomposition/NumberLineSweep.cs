using Analysis.Datasets;
using Analysis.Results;

namespace Analysis.Decomposition;

/// <summary>What a number-line sweep reads and writes.</summary>
public sealed record NumberLineSweepRequest
{
    /// <summary>An activation dataset directory, or a Parquet file with float-list columns.</summary>
    public required string Data { get; init; }
    /// <summary>Comma-separated glob patterns over hook columns.</summary>
    public string Hooks { get; init; } = "*";
    /// <summary>The numeric label column (positive numbers, e.g. the number a token spells).</summary>
    public required string Label { get; init; }
    /// <summary>The largest PLS component count tried by 5-fold cross-validation.</summary>
    public int MaxComponents { get; init; } = 5;
    /// <summary>The output directory: results.json.</summary>
    public required string Output { get; init; }
    /// <summary>Run metadata for the report.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>PLS and the number-line test (does the first component follow n or log n?) per hook of a dataset.</summary>
public static class NumberLineSweep
{
    /// <summary>Runs the sweep; <paramref name="onLayer"/> sees each hook's result as soon as it is done.</summary>
    public static IReadOnlyList<NumberLineResult> Run(NumberLineSweepRequest request, Action<NumberLineResult>? onLayer = null)
    {
        if (request.MaxComponents < 1) throw new BadInputException($"The largest PLS component count must be at least 1, not {request.MaxComponents}.");
        using var table = ActivationTable.Open(request.Data);
        var values = table.ReadNumbers(request.Label);
        var results = new List<NumberLineResult>();
        foreach (var hook in table.MatchHooks(request.Hooks))
        {
            var r = NumberLine.Analyze(hook, table.ReadMatrix(hook), values, request.MaxComponents);
            results.Add(r);
            onLayer?.Invoke(r);
        }
        ResultsFile.Save(request.Output, new Dictionary<string, string>(request.Metadata) { ["data"] = table.Path }, (NumberLineSection.Entry, results.ToArray()));
        return results;
    }
}
