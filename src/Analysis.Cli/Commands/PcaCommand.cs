using System.CommandLine;
using System.Globalization;
using Analysis.Decomposition;
using Analysis.Probing;
using Analysis.Reports;

namespace Analysis.Cli.Commands;

/// <summary>`analysis pca`: PCA per hook (exact and streamed over row groups, or randomized); projections written as Parquet.</summary>
public static class PcaCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Activation dataset directory (or a Parquet file).", Required = true };
        var hooks = new Option<string>("--hooks") { Description = "Hook columns, glob patterns, comma-separated.", DefaultValueFactory = _ => "*" };
        var components = new Option<int>("--components") { Description = "Number of components.", DefaultValueFactory = _ => 10 };
        var randomized = new Option<bool>("--randomized") { Description = "Randomized PCA (Halko et al.) instead of exact; loads the hook into memory." };
        var label = new Option<string?>("--label") { Description = "Column to colour the report's scatter plot by." };
        var output = new Option<string>("--out") { Description = "Output directory (results.json, pca-HOOK.parquet).", Required = true };
        var command = new Command("pca", "Principal components per hook, with explained variance and projections.") { data, hooks, components, randomized, label, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            using var table = ActivationTable.Open(parse.GetValue(data)!);
            var k = parse.GetValue(components);
            var outDir = Directory.CreateDirectory(parse.GetValue(output)!).FullName;
            var labels = parse.GetValue(label) is { } l ? table.ReadStrings(l) : null;
            var scatters = new List<PcaScatter>();
            foreach (var hook in table.MatchHooks(parse.GetValue(hooks)!))
            {
                var model = parse.GetValue(randomized) ? Pca.FitRandomized(table.ReadMatrix(hook), k) : Pca.Fit(table.ReadChunks(hook), k);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{hook}: explained variance ratio {string.Join(" ", model.ExplainedVarianceRatio.Select(r => r.ToString("0.0000", CultureInfo.InvariantCulture)))} (sum {model.ExplainedVarianceRatio.Sum():0.0000})"));
                PcaProjections.Write(table, hook, model, Path.Combine(outDir, $"pca-{hook}.parquet"));
                if (labels is not null) scatters.Add(PcaScatter.Of(hook, parse.GetValue(label)!, table.ReadMatrix(hook), labels));
            }
            new AnalysisResults { Metadata = ProbeCommand.RunMetadata(parse, table.Path), Scatters = [.. scatters] }.Save(outDir);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
