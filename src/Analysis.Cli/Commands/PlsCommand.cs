using System.CommandLine;
using System.Globalization;
using Analysis.Decomposition;
using Analysis.Probing;
using Analysis.Reports;

namespace Analysis.Cli.Commands;

/// <summary>`analysis pls`: per hook, PLS with cross-validated components and the number-line test (linear vs log).</summary>
public static class PlsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Activation dataset directory (or a Parquet file).", Required = true };
        var hooks = new Option<string>("--hooks") { Description = "Hook columns, glob patterns, comma-separated.", DefaultValueFactory = _ => "*" };
        var label = new Option<string>("--label") { Description = "Numeric label column (positive numbers, e.g. the number a token spells).", Required = true };
        var maxComponents = new Option<int>("--max-components") { Description = "Largest PLS component count tried by 5-fold cross-validation.", DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--out") { Description = "Output directory (results.json).", Required = true };
        var command = new Command("pls", "PLS regression per hook and the number-line test: does the first component follow n or log n?") { data, hooks, label, maxComponents, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            using var table = ActivationTable.Open(parse.GetValue(data)!);
            var values = table.ReadNumbers(parse.GetValue(label)!);
            var results = new List<NumberLineResult>();
            log.WriteLine($"{"hook",-36} {"PCA R² n",9} {"PCA R² log",11} {"PLS R² n",9} {"PLS R² log",11} {"better",7} {"PLS k (CV)",10}");
            foreach (var hook in table.MatchHooks(parse.GetValue(hooks)!))
            {
                var r = NumberLine.Analyze(hook, table.ReadMatrix(hook), values, parse.GetValue(maxComponents));
                results.Add(r);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{hook,-36} {r.Pca.Linear.R2,9:0.000} {r.Pca.Logarithmic.R2,11:0.000} {r.Pls.Linear.R2,9:0.000} {r.Pls.Logarithmic.R2,11:0.000} {r.Pls.Better,7} {r.PlsComponents,10}"));
            }
            new AnalysisResults { Metadata = ProbeCommand.RunMetadata(parse, table.Path), NumberLines = [.. results] }.Save(parse.GetValue(output)!);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
