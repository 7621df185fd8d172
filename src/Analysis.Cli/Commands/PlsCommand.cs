using System.CommandLine;
using System.Globalization;
using Analysis.Checkpoints;
using Analysis.Decomposition;
using Analysis.Results;

namespace Analysis.Cli.Commands;

/// <summary>`analysis pls`: per hook, PLS with cross-validated components and the number-line test (linear vs log).</summary>
public static class PlsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new NumberLineSweepRequest { Data = "", Label = "", Output = "" }; // the defaults are written once, in the library
        var data = new Option<string>("--data") { Description = "Activation dataset directory (or a Parquet file), or a family folder (analysis extract with several models).", Required = true };
        var hooks = new Option<string>("--hooks") { Description = "Hook columns, glob patterns, comma-separated.", DefaultValueFactory = _ => defaults.Hooks };
        var label = new Option<string>("--label") { Description = "Numeric label column (positive numbers, e.g. the number a token spells).", Required = true };
        var maxComponents = new Option<int>("--max-components") { Description = "Largest PLS component count tried by 5-fold cross-validation.", DefaultValueFactory = _ => defaults.MaxComponents };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output directory (results.json).", Required = true };
        var command = new Command("pls", "PLS regression per hook and the number-line test: does the first component follow n or log n?") { data, hooks, label, maxComponents, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            log.WriteLine($"{"hook",-36} {"PCA R² n",9} {"PCA R² log",11} {"PLS R² n",9} {"PLS R² log",11} {"better",7} {"PLS k (CV)",10}");
            var request = new NumberLineSweepRequest
            {
                Data = parse.GetValue(data)!, Hooks = parse.GetValue(hooks)!, Label = parse.GetValue(label)!,
                MaxComponents = parse.GetValue(maxComponents), Output = parse.GetValue(output)!,
                Metadata = ProbeCommand.RunMetadata(parse, parse.GetValue(data)!),
            };
            static string Row(NumberLineResult r) => string.Create(CultureInfo.InvariantCulture,
                $"{r.Hook,-36} {r.Pca.Linear.R2,9:0.000} {r.Pca.Logarithmic.R2,11:0.000} {r.Pls.Linear.R2,9:0.000} {r.Pls.Logarithmic.R2,11:0.000} {r.Pls.Better,7} {r.PlsComponents,10}");
            if (FamilyDatasets.IsFamily(request.Data))
            {
                // A family folder (analysis extract with several models): the same test on every checkpoint.
                CheckpointNumberLine.Run(request, (c, r) => log.WriteLine($"{c.Name,-24} {Row(r)}"));
                log.WriteLine($"Wrote {Path.Combine(request.Output, ResultsFile.FileName)} (layer × checkpoint) and one folder per checkpoint.");
                return ExitCodes.Ok;
            }
            NumberLineSweep.Run(request, r => log.WriteLine(Row(r)));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
