using Analysis.Datasets;
using Analysis.Results;

namespace Analysis.Decomposition;

/// <summary>What a PCA sweep reads and writes.</summary>
public sealed record PcaSweepRequest
{
    /// <summary>An activation dataset directory, or a Parquet file with float-list columns.</summary>
    public required string Data { get; init; }
    /// <summary>Comma-separated glob patterns over hook columns.</summary>
    public string Hooks { get; init; } = "*";
    /// <summary>Number of components.</summary>
    public int Components { get; init; } = 10;
    /// <summary>Randomized PCA (Halko et al.), which loads the hook into memory, instead of the exact streamed one.</summary>
    public bool Randomized { get; init; }
    /// <summary>A column to colour the report's scatter plots by; none when null.</summary>
    public string? Label { get; init; }
    /// <summary>The output directory: results.json and pca-HOOK.parquet.</summary>
    public required string Output { get; init; }
    /// <summary>Run metadata for the report.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>PCA per hook over an activation dataset: projections written back as Parquet, scatters for the report.</summary>
public static class PcaSweep
{
    /// <summary>Runs the sweep; <paramref name="onLayer"/> sees each hook's model as soon as it is fitted.</summary>
    public static IReadOnlyList<PcaModel> Run(PcaSweepRequest request, Action<string, PcaModel>? onLayer = null)
    {
        if (request.Components < 1) throw new BadInputException($"The number of components must be at least 1, not {request.Components}.");
        using var table = ActivationTable.Open(request.Data);
        var outDir = Directory.CreateDirectory(request.Output).FullName;
        var labels = request.Label is { } l ? table.ReadStrings(l) : null;
        var models = new List<PcaModel>();
        var scatters = new List<PcaScatter>();
        foreach (var hook in table.MatchHooks(request.Hooks))
        {
            var model = request.Randomized ? Pca.FitRandomized(table.ReadMatrix(hook), request.Components) : Pca.Fit(table.ReadChunks(hook), request.Components);
            models.Add(model);
            onLayer?.Invoke(hook, model);
            PcaProjections.Write(table, hook, model, Path.Combine(outDir, $"pca-{hook}.parquet"));
            if (labels is not null) scatters.Add(PcaScatter.Of(hook, request.Label!, table.ReadMatrix(hook), labels));
        }
        ResultsFile.Save(outDir, new Dictionary<string, string>(request.Metadata) { ["data"] = table.Path }, (PcaSection.Entry, scatters.ToArray()));
        return models;
    }
}
