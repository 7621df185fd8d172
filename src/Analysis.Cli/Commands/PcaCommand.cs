using System.CommandLine;
using System.Globalization;
using Analysis.Checkpoints;
using Analysis.Decomposition;
using Analysis.Results;

namespace Analysis.Cli.Commands;

/// <summary>`analysis pca`: PCA per hook (exact and streamed over row groups, or randomized); projections written as Parquet.</summary>
public static class PcaCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new PcaSweepRequest { Data = "", Output = "" }; // the defaults are written once, in the library
        var data = new Option<string>("--data") { Description = "Activation dataset directory (or a Parquet file), or a family folder (analysis extract with several models).", Required = true };
        var hooks = new Option<string>("--hooks") { Description = "Hook columns, glob patterns, comma-separated.", DefaultValueFactory = _ => defaults.Hooks };
        var components = new Option<int>("--components") { Description = "Number of components.", DefaultValueFactory = _ => defaults.Components };
        var randomized = new Option<bool>("--randomized") { Description = "Randomized PCA (Halko et al.) instead of exact; loads the hook into memory." };
        var label = new Option<string?>("--label") { Description = "Column to colour the report's scatter plot by." };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output directory (results.json, pca-HOOK.parquet).", Required = true };
        var command = new Command("pca", "Principal components per hook, with explained variance and projections.") { data, hooks, components, randomized, label, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var request = new PcaSweepRequest
            {
                Data = parse.GetValue(data)!, Hooks = parse.GetValue(hooks)!, Components = parse.GetValue(components),
                Randomized = parse.GetValue(randomized), Label = parse.GetValue(label), Output = parse.GetValue(output)!,
                Metadata = ProbeCommand.RunMetadata(parse, parse.GetValue(data)!),
            };
            static string Ratios(PcaModel model) => string.Create(CultureInfo.InvariantCulture,
                $"explained variance ratio {string.Join(" ", model.ExplainedVarianceRatio.Select(r => r.ToString("0.0000", CultureInfo.InvariantCulture)))} (sum {model.ExplainedVarianceRatio.Sum():0.0000})");
            if (FamilyDatasets.IsFamily(request.Data))
            {
                // A family folder (analysis extract with several models): the same PCA on every checkpoint.
                CheckpointPca.Run(request, (c, hook, model) => log.WriteLine($"{c.Name,-24} {hook}: {Ratios(model)}"));
                log.WriteLine($"Wrote {Path.Combine(request.Output, ResultsFile.FileName)} (layer × checkpoint) and one folder per checkpoint.");
                return ExitCodes.Ok;
            }
            PcaSweep.Run(request, (hook, model) => log.WriteLine($"{hook}: {Ratios(model)}"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
